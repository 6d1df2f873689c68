"""Render the validated catalog into Markdown pages and data files under build/docs.

Every page is produced from templates/ with Jinja2's autoescaping on: catalog text reaches the
Markdown escaped for HTML, and the `md` filter adds Markdown escaping where text lands in prose
or a heading. Entry-derived HTML fragments also pass through nh3 (safety.clean). Work is linear
in the catalog's size: reverse indexes (built upon by, cited by, entries per option) are built
once, never by scanning the catalog per entry.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup

from alignscape.catalog.findings import rules_markdown
from alignscape.graphs import design_space_graph, lineage_graph, tradeoff_graph, view
from alignscape.model import Catalog, Entry
from alignscape.model.index import catalog_csv, catalog_json, entry_url, explorer_index
from alignscape.site import charts
from alignscape.site.safety import clean, external_link, md_escape, safe_url

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_REPO_URL = "https://github.com/alignscape/alignscape"
LATEST_SHOWN = 12
# Past these sizes a graph drawn node by node stops being readable (and the page heavy); the
# page then shows the most recent part and says so.
DESIGN_SPACE_LIMIT = 300
LINEAGE_LIMIT = 1500
CITED_BY_SHOWN = 25
STAGE_DETAIL_FIELDS = {
    "synthesis": (("responses_per_prompt", "Responses per prompt"), ("models", "Models")),
    "evaluation": (("aspects", "Aspects judged"), ("judge_models", "Judge models")),
    "instantiation": (("size", "Size"),),
}
_SAFE_SOURCE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


class SiteError(Exception):
    """A problem that stops the build, phrased for the person running it."""


@dataclass
class SitePaths:
    """Where the site's sources are and where the build goes. `site_src` is normally
    <root>/site; a synthetic catalog elsewhere borrows the project's."""

    root: Path
    out: Path
    site_src: Path

    @classmethod
    def for_root(cls, root: Path, out: Path | None = None,
                 site_src: Path | None = None) -> SitePaths:
        root = root.resolve()
        return cls(root=root, out=(out or root / "build").resolve(),
                   site_src=(site_src or root / "site").resolve())

    @property
    def docs(self) -> Path:
        return self.out / "docs"

    @property
    def site(self) -> Path:
        return self.out / "site"

    @property
    def config(self) -> Path:
        return self.out / "mkdocs.yml"


@dataclass
class GenerateReport:
    pages: int = 0
    data_files: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def _no_progress(message: str) -> None:
    pass


class SiteGenerator:
    def __init__(self, catalog: Catalog, paths: SitePaths,
                 progress: Callable[[str], None] = _no_progress):
        self.catalog = catalog
        self.paths = paths
        self.progress = progress
        self.config = self._read_config()
        self.repo_url = str(self.config.get("repo_url") or DEFAULT_REPO_URL).rstrip("/")
        self.report = GenerateReport()
        self.env = self._environment()
        self._index()

    # -- set-up ------------------------------------------------------------------------------

    def _read_config(self) -> dict:
        path = self.paths.site_src / "mkdocs.yml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SiteError(f"{path}: missing; the site's mkdocs.yml lives there") from None
        except yaml.YAMLError as exc:
            raise SiteError(f"{path}: not valid YAML ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("nav"), list):
            raise SiteError(f"{path}: expected a mapping with a `nav` list")
        return data

    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True)
        env.filters.update(md=md_escape, external=external_link, clean=clean,
                           title=page_title)
        env.globals.update(
            taxonomy=self.catalog.taxonomy, tradeoffs=self.catalog.tradeoffs,
            repo_url=self.repo_url, option_href=self.option_href, entry_href=self.entry_href,
            ref_href=self.ref_href, ref_label=self.ref_label, option_label=self.option_label,
            level_order=self.level_order, anchor=heading_anchor)
        return env

    def _index(self) -> None:
        """Reverse indexes, each built in one pass over the catalog."""
        catalog = self.catalog
        self.built_upon_by: dict[str, list[Entry]] = defaultdict(list)
        self.used_by_data: dict[str, list[Entry]] = defaultdict(list)
        self.using: dict[str, list[Entry]] = defaultdict(list)
        self.cited_by: dict[str, list[Entry]] = defaultdict(list)
        self.profiles = {}
        for entry in sorted(catalog, key=lambda e: e.name.lower()):
            for parent in entry.builds_on:
                self.built_upon_by[parent].append(entry)
            for data in entry.uses_data:
                self.used_by_data[data].append(entry)
            for option in entry.options:
                self.using[option].append(entry)
            for key in entry.citations:
                self.cited_by[key].append(entry)
            self.profiles[entry.id] = catalog.profile(entry)

    # -- links -------------------------------------------------------------------------------

    @staticmethod
    def entry_href(entry_id: str, base: str) -> str:
        return base + entry_url(entry_id)

    @staticmethod
    def option_href(option: str, base: str) -> str:
        """`group.dimension.option` -> the option's anchor on its taxonomy page."""
        group, dimension, option_id = option.split(".", 2)
        return f"{base}taxonomy/{group}.html#{dimension}-{option_id}"

    @staticmethod
    def ref_href(key: str, base: str) -> str:
        return f"{base}bibliography.html#ref-{key}"

    def ref_label(self, key: str) -> str:
        ref = self.catalog.reference(key)
        if ref is None:
            return key
        surname = ref.first_author_surname.strip("{}") or key
        more = " et al." if len(ref.authors) > 2 else (
            f" and {ref.authors[1].split(',')[0].strip('{} ')}" if len(ref.authors) == 2 else "")
        return f"{surname}{more} {ref.fields.get('year', '')}".strip()

    def option_label(self, option: str) -> str:
        found = self.catalog.taxonomy.options.get(option)
        return found.label if found else option

    def level_order(self, dimension_id: str) -> list[str]:
        """Levels best first."""
        levels = list(self.catalog.tradeoffs.levels)
        better = self.catalog.tradeoffs.dimensions[dimension_id].better
        return levels if better == "lower" else levels[::-1]

    # -- output ------------------------------------------------------------------------------

    def _write(self, relative: str, text: str) -> None:
        path = self.paths.docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if relative.endswith(".md"):
            self.report.pages += 1
        else:
            self.report.data_files += 1

    def _render(self, relative: str, template: str, **context) -> None:
        depth = relative.count("/")
        context.setdefault("base", "../" * depth)
        self._write(relative, self.env.get_template(template).render(**context))

    def generate(self) -> GenerateReport:
        started = time.perf_counter()
        docs = self.paths.docs
        if docs.exists():
            shutil.rmtree(docs)
        docs.mkdir(parents=True)
        self._copy_sources()
        steps = [("data files", self._data_files), ("home", self._home),
                 ("taxonomy", self._taxonomy), ("entry pages", self._entries),
                 ("trade-offs", self._tradeoffs), ("explorer and matrix", self._explorer),
                 ("graphs", self._graphs), ("gaps", self._gaps), ("statistics", self._stats),
                 ("bibliography", self._bibliography), ("contributing", self._contributing)]
        for label, step in steps:
            self.progress(f"generating {label}")
            step()
        self._write_config()
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _copy_sources(self) -> None:
        """Hand-written pages (site/docs) and front-end assets (site/assets)."""
        src = self.paths.site_src
        if (src / "docs").is_dir():
            shutil.copytree(src / "docs", self.paths.docs, dirs_exist_ok=True)
        if (src / "assets").is_dir():
            shutil.copytree(src / "assets", self.paths.docs / "assets", dirs_exist_ok=True)

    def _write_config(self) -> None:
        """build/mkdocs.yml: site/mkdocs.yml with absolute folders (so the build can go anywhere)
        and the taxonomy groups and trade-off dimensions added to the navigation."""
        config = dict(self.config)
        config["docs_dir"] = str(self.paths.docs)
        config["site_dir"] = str(self.paths.site)
        extra = {
            "taxonomy/index.md": [f"taxonomy/{g.id}.md" for g in self.catalog.taxonomy.groups],
            "tradeoffs/index.md": [f"tradeoffs/{d}.md" for d in self.catalog.tradeoffs.dimensions],
        }
        config["nav"] = _extend_nav(config["nav"], extra)
        theme = config.get("theme")
        if isinstance(theme, dict) and theme.get("custom_dir"):
            theme = dict(theme, custom_dir=str(self.paths.site_src / theme["custom_dir"]))
            config["theme"] = theme
        self.paths.config.write_text(
            "# Generated by `alignscape build` from site/mkdocs.yml; edit that file instead.\n"
            + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")

    # -- pages -------------------------------------------------------------------------------

    def _data_files(self) -> None:
        catalog = self.catalog
        self._write("data/index.json", json.dumps(explorer_index(catalog), ensure_ascii=False,
                                                  separators=(",", ":")))
        self._write("data/catalog.json", json.dumps(catalog_json(catalog), ensure_ascii=False,
                                                    indent=1))
        self._write("data/catalog.csv", catalog_csv(catalog))
        bib = catalog.root / catalog.bibliography.path
        if not bib.is_file():
            bib = catalog.root / "catalog" / "references.bib"
        self._write("data/references.bib", bib.read_text(encoding="utf-8"))

    def _home(self) -> None:
        catalog = self.catalog
        stage_boxes = []
        for group in catalog.taxonomy.stages:
            users = {e.id for d in group.dimensions for o in d.options
                     for e in self.using.get(o.qualified, ())}
            stage_boxes.append({
                "id": group.id, "label": group.label, "href": f"taxonomy/{group.id}.html",
                "dimensions": [d.label for d in group.dimensions],
                "options": sum(len(d.options) for d in group.dimensions),
                "entries": len(users)})
        kinds: dict[str, int] = defaultdict(int)
        for entry in catalog:
            kinds[entry.kind] += 1
        self._render("index.md", "home.md.j2", picture=charts.stage_picture(stage_boxes),
                     count=len(catalog), kinds=sorted(kinds.items()),
                     option_count=len(catalog.taxonomy.options),
                     reference_count=len(catalog.bibliography.references),
                     latest=self._latest(), groups=catalog.taxonomy.stages)

    def _latest(self) -> list[tuple[Entry, str]]:
        """The most recently added entries, by the commit that added each file (files not yet
        committed count as newest, by modification time)."""
        added = _git_added_times(self.catalog.root)
        stamps = []
        for entry in self.catalog:
            stamp = added.get(entry.source)
            if stamp is None:
                try:
                    stamp = (self.catalog.root / entry.source).stat().st_mtime
                except OSError:
                    stamp = 0.0
            stamps.append((stamp, entry))
        stamps.sort(key=lambda pair: (-pair[0], pair[1].id))
        return [(entry, datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d"))
                for stamp, entry in stamps[:LATEST_SHOWN]]

    def _taxonomy(self) -> None:
        taxonomy = self.catalog.taxonomy
        effects = defaultdict(list)
        for effect in self.catalog.tradeoffs.effects:
            effects[effect.option].append(effect)
        self._render("taxonomy/index.md", "taxonomy_index.md.j2", groups=taxonomy.groups,
                     using=self.using)
        for group in taxonomy.groups:
            self._render(f"taxonomy/{group.id}.md", "taxonomy_group.md.j2", group=group,
                         using=self.using, effects=effects)

    def _entries(self) -> None:
        entries = sorted(self.catalog, key=lambda e: e.name.lower())
        self._render("entries/index.md", "entries_index.md.j2", entries=entries)
        linker = _pipeline_linker(self.report)
        step = max(len(entries) // 10, 500)
        for i, entry in enumerate(entries, 1):
            self._render(f"entries/{entry.id}.md", "entry.md.j2", **self._entry_context(
                entry, linker))
            if i % step == 0 and i < len(entries):
                self.progress(f"  entry pages: {i}/{len(entries)}")

    def _entry_context(self, entry: Entry, linker) -> dict:
        catalog = self.catalog
        pipeline = None
        if linker is not None:
            try:
                pipeline = linker(entry, catalog)
            except Exception as exc:  # their bug must not hide which entry it hit
                raise SiteError(f"{entry.source}: the pipeline links for {entry.id!r} failed: "
                                f"{type(exc).__name__}: {exc}") from exc
            pipeline = self._pipeline_view(pipeline)
        references = [(key, catalog.reference(key)) for key in entry.citations]
        return {
            "entry": entry,
            "stage_rows": self._stage_rows(entry),
            "profile": self.profiles[entry.id],
            "references": [(k, r) for k, r in references if r is not None],
            "bibtex": "\n\n".join(r.raw for _, r in references if r is not None and r.raw),
            "builds_on": [catalog.entries[i] for i in entry.builds_on if i in catalog.entries],
            "built_upon_by": self.built_upon_by.get(entry.id, []),
            "uses_data": [catalog.entries[i] for i in entry.uses_data if i in catalog.entries],
            "used_by": self.used_by_data.get(entry.id, []),
            "objectives": [catalog.entries[i] for i in entry.training.get("objectives", ())
                           if i in catalog.entries],
            "links": [(name, url) for name, url in entry.links.items() if safe_url(url)],
            "edit_url": f"{self.repo_url}/edit/main/{entry.source}"
            if _SAFE_SOURCE_PATH.match(entry.source) and ".." not in entry.source else None,
            "pipeline": pipeline,
        }

    def _pipeline_view(self, data) -> dict | None:
        """What the page shows of entry_pipeline()'s answer; source paths become repository
        links only when they are plain relative paths."""
        if not isinstance(data, dict) or not data.get("command"):
            return None
        stages = []
        for stage in data.get("stages") or ():
            source = str(stage.get("source") or "")
            ok = _SAFE_SOURCE_PATH.match(source) and ".." not in source
            stages.append({
                "stage": str(stage.get("stage", "")), "option": str(stage.get("option", "")),
                "dimension": str(stage.get("dimension", "")),
                "module": str(stage.get("module", "")), "source": source,
                "href": f"{self.repo_url}/blob/main/{source}" if ok else None})
        descriptive = [{"stage": str(d.get("stage", "")), "option": str(d.get("option", "")),
                        "dimension": str(d.get("dimension", "")), "note": str(d.get("note", ""))}
                       for d in data.get("descriptive") or ()]
        not_applicable = {str(k): str(v) for k, v in (data.get("not_applicable") or {}).items()}
        by_stage: dict[str, list[dict]] = {}
        for stage in stages:
            by_stage.setdefault(stage["stage"], []).append(stage)
        for stage in not_applicable:
            by_stage.setdefault(stage, [])
        return {"command": str(data["command"]), "by_stage": by_stage,
                "descriptive": descriptive, "not_applicable": not_applicable}

    def _stage_rows(self, entry: Entry) -> list[dict]:
        """One block per group the entry speaks to: its dimensions' options plus the free-form
        details and the evidence behind them."""
        rows = []
        for group in self.catalog.taxonomy.groups:
            data = (entry.stage(group.id) if group.kind == "stage"
                    else entry.training if group.kind == "training" else {})
            choices = [(dim, entry.choices.get(dim.qualified, ())) for dim in group.dimensions]
            choices = [(dim, opts) for dim, opts in choices if opts]
            details = []
            for key, label in STAGE_DETAIL_FIELDS.get(group.id, ()):
                value = data.get(key)
                if value is None:
                    continue
                if key == "size" and isinstance(value, dict):
                    value = f"{value.get('count'):,} {value.get('unit', '')}" + (
                        f" ({value['note']})" if value.get("note") else "")
                elif isinstance(value, list):
                    value = ", ".join(str(v) for v in value)
                details.append((label, str(value)))
            not_applicable = entry.not_applicable(group.id) if group.kind == "stage" else None
            if not (choices or details or not_applicable):
                continue
            rows.append({"group": group, "choices": choices, "details": details,
                         "not_applicable": not_applicable,
                         "evidence": data.get("evidence"), "confidence": data.get("confidence")})
        return rows

    def _tradeoffs(self) -> None:
        tradeoffs = self.catalog.tradeoffs
        by_dim = defaultdict(list)
        for effect in tradeoffs.effects:
            by_dim[effect.dimension].append(effect)
        entries = sorted(self.catalog, key=lambda e: e.name.lower())
        summary = {}
        for dim in tradeoffs.dimensions.values():
            ranked = {level: [] for level in (*self.level_order(dim.id), None)}
            for entry in entries:
                explanation = self.profiles[entry.id][dim.id]
                ranked[explanation.level].append((entry, explanation.source))
            summary[dim.id] = {level: len(items) for level, items in ranked.items()}
            self._render(f"tradeoffs/{dim.id}.md", "tradeoff.md.j2", dim=dim,
                         effects=by_dim[dim.id], ranked=ranked)
        self._render("tradeoffs/index.md", "tradeoffs_index.md.j2", summary=summary)

    def _explorer(self) -> None:
        query_js = self.paths.site_src / "assets" / "javascripts" / "alignscape-query.js"
        self._render("explorer.md", "explorer.md.j2", query_module=query_js.is_file(),
                     count=len(self.catalog))
        self._render("compare.md", "compare.md.j2", count=len(self.catalog))

    def _graphs(self) -> None:
        catalog = self.catalog
        recent = sorted(catalog, key=lambda e: (-e.year, e.id))
        design_entries = recent[:DESIGN_SPACE_LIMIT]
        lineage = lineage_graph(catalog)
        lineage_total = lineage.number_of_nodes()
        if lineage_total > LINEAGE_LIMIT:
            kept = [n for n in (f"entry:{e.id}" for e in recent) if n in lineage][:LINEAGE_LIMIT]
            lineage = lineage.subgraph(kept).copy()
        graphs = [
            ("lineage", "Lineage", lineage, lineage_total,
             "Each arrow runs from a work to one that builds on it, left to right by year."),
            ("design-space", "Design space", design_space_graph(catalog, design_entries),
             len(catalog),
             "Entries (inner ring, by year) linked to the stage options they choose (outer "
             "ring, by stage)."),
            ("tradeoffs", "Trade-offs", tradeoff_graph(catalog), None,
             "Design choices (left) linked to the trade-off dimensions they move (right): green "
             "edges move a dimension towards its better end, red towards its worse end, grey "
             "to the middle."),
        ]
        listing = []
        for slug, title, graph, total, about in graphs:
            laid_out = view(graph)
            self._write(f"data/graphs/{slug}.json",
                        json.dumps(laid_out.cytoscape(), ensure_ascii=False,
                                   separators=(",", ":")))
            entry_nodes = sum(1 for _, d in graph.nodes(data=True) if d.get("type") == "entry")
            shown_note = None
            if total is not None and entry_nodes < total and slug == "design-space":
                shown_note = (f"Showing the {entry_nodes} most recent of {total} entries; use "
                              "the explorer to look at any subset.")
            elif total is not None and slug == "lineage" and graph.number_of_nodes() < total:
                shown_note = (f"Showing {graph.number_of_nodes()} of the {total} entries with "
                              "lineage, the most recent first.")
            svg = Markup(laid_out.svg(title, link=lambda d: self._node_href(d, "../")))
            self._render(f"graphs/{slug}.md", "graph.md.j2", slug=slug, title=title,
                         about=about, svg=svg, nodes=graph.number_of_nodes(),
                         edges=graph.number_of_edges(), shown_note=shown_note)
            listing.append({"slug": slug, "title": title, "about": about,
                            "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()})
        self._render("graphs/index.md", "graphs_index.md.j2", graphs=listing)

    def _node_href(self, data: dict, base: str) -> str | None:
        if data.get("type") == "entry":
            return self.entry_href(data["entry"], base)
        if data.get("type") == "option":
            return self.option_href(data["option"], base)
        if data.get("type") == "tradeoff":
            return f"{base}tradeoffs/{data['tradeoff']}.html"
        return None

    def _gaps(self) -> None:
        """The query engine's gap analysis (the same ranking `alignscape gaps` prints), every
        unexplored combination grouped by its synthesis option."""
        from alignscape.query.gaps import DEFAULT_DIMENSIONS, gap_report

        report = gap_report(self.catalog, limit=None, nearest=3)
        by_first = defaultdict(list)
        for gap in report.gaps:
            nearest = [(self.catalog.entries[i], lacks) for i, lacks in gap.nearest
                       if i in self.catalog.entries]
            by_first[gap.options[0]].append({"gap": gap, "nearest": nearest})
        dims = [self.catalog.taxonomy.dimensions[d] for d in DEFAULT_DIMENSIONS]
        self._render("gaps.md", "gaps.md.j2", by_first=by_first, report=report, dims=dims)

    def _stats(self) -> None:
        catalog = self.catalog
        years: dict[int, int] = defaultdict(int)
        kinds: dict[str, int] = defaultdict(int)
        for entry in catalog:
            years[entry.year] += 1
            kinds[entry.kind] += 1
        year_chart = charts.bar_chart("Entries per year",
                                      [(str(y), years[y], None) for y in sorted(years)])
        kind_chart = charts.bar_chart("Entries per kind",
                                      [(k, n, None) for k, n in sorted(kinds.items())])
        dimension_charts = []
        for group in catalog.taxonomy.groups:
            for dim in group.dimensions:
                bars = [(o.label, len(self.using.get(o.qualified, ())),
                         self.option_href(o.qualified, "")) for o in dim.options]
                dimension_charts.append((group, dim, charts.bar_chart(
                    f"{group.label}: {dim.label}, entries per option", bars)))
        tradeoff_charts = []
        for dim in catalog.tradeoffs.dimensions.values():
            counts = defaultdict(int)
            for entry in catalog:
                counts[self.profiles[entry.id][dim.id].level] += 1
            bars = [(level, counts[level], None) for level in self.level_order(dim.id)]
            bars.append(("not determined", counts[None], None))
            tradeoff_charts.append((dim, charts.bar_chart(
                f"{dim.label}: entries per level", bars)))
        self._render("stats.md", "stats.md.j2", year_chart=year_chart, kind_chart=kind_chart,
                     dimension_charts=dimension_charts, tradeoff_charts=tradeoff_charts,
                     count=len(catalog))

    def _bibliography(self) -> None:
        refs = sorted(self.catalog.bibliography.references.values(),
                      key=lambda r: (r.first_author_surname.lower(), r.year or 0, r.key))
        effect_cites = defaultdict(int)
        for effect in self.catalog.tradeoffs.effects:
            for key in effect.cite:
                effect_cites[key] += 1
        self._render("bibliography.md", "bibliography.md.j2", refs=refs,
                     cited_by=self.cited_by, effect_cites=effect_cites,
                     shown=CITED_BY_SHOWN)

    def _contributing(self) -> None:
        self._render("contributing.md", "contributing.md.j2", rules=rules_markdown())


def _extend_nav(nav: list, extra: dict[str, list[str]]) -> list:
    """Insert generated pages after the section index page they belong to."""
    out = []
    for item in nav:
        if isinstance(item, dict):
            out.append({k: _extend_nav(v, extra) if isinstance(v, list) else v
                        for k, v in item.items()})
        else:
            out.append(item)
            if isinstance(item, str) and item in extra:
                out.extend(p for p in extra[item] if p not in nav)
    return out


def _git_added_times(root: Path) -> dict[str, float]:
    """catalog/entries/<id>.yaml -> when the commit that added it was made (one git call)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "--diff-filter=A", "--format=@%ct", "--name-only",
             "--", "catalog/entries"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0:
        return {}
    added: dict[str, float] = {}
    stamp = 0.0
    for line in result.stdout.splitlines():
        if line.startswith("@"):
            stamp = float(line[1:])
        elif line.strip():
            added.setdefault(line.strip(), stamp)  # log is newest first: keep the latest add
    return added


def _pipeline_linker(report: GenerateReport):
    """alignscape.pipeline.links.entry_pipeline once the pipeline layer provides it."""
    try:
        from alignscape.pipeline.links import entry_pipeline
    except ImportError as exc:
        if exc.name and not exc.name.startswith("alignscape.pipeline"):
            report.notes.append(f"pipeline sections left out: {exc}")
        return None
    return entry_pipeline


def page_title(text: str) -> str:
    """Front-matter title: HTML-escaped, because themes print it into <title> unescaped."""
    return Markup(json.dumps(html.escape(" ".join(str(text).split()))))


def heading_anchor(anchor_id: str) -> Markup:
    """attr_list's `{#id}` after a Markdown heading, for an id built from taxonomy ids."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", anchor_id):
        raise SiteError(f"cannot use {anchor_id!r} as a page anchor")
    return Markup("{#" + anchor_id + "}")
