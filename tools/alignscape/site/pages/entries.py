"""The entries: their index and a page per entry. An entry page opens with a header card (short
name, paper title, year and venue, paper/code/data/model buttons, the three stages with the
entry's choices, trade-off chips, compare and cite), followed by the stage-by-stage table, the
paper's own experiments, the trade-off profile with every rule behind each level, measurements
that bear on its judge, similar entries (drawn in the browser from data/index.json), lineage,
references, "cite this entry" and the run command with links to each stage's source line."""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime

from markupsafe import Markup, escape

from alignscape.model import Entry
from alignscape.site import shell
from alignscape.site.context import GenerateReport, PageContext
from alignscape.site.errors import SiteError
from alignscape.site.headings import Headings
from alignscape.site.history import entry_dates
from alignscape.site.links import Links, explorer_href, option_explorer_href
from alignscape.site.measurements import copy_figures, judge_measurements
from alignscape.site.profiles import entry_memo, memoized
from alignscape.site.safety import clean, safe_url
from alignscape.site.similarity import similarity_index

STAGE_DETAIL_FIELDS = {
    "synthesis": (("responses_per_prompt", "Responses per prompt"), ("models", "Models")),
    "evaluation": (("aspects", "Aspects judged"), ("judge_models", "Judge models")),
    "instantiation": (("size", "Size"),),
}
# Buttons of the header card, in this order; other links are listed under "Links".
BUTTONS = (("paper", "Paper"), ("code", "Code"), ("data", "Data"), ("model", "Model"),
           ("models", "Models"), ("project", "Project"), ("demo", "Demo"))
DESCRIPTION_CHARS = 155
# The sample prompts in the repository that the printed run command reads.
EXAMPLE_PROMPTS = "examples/prompts.jsonl"
# The backend of the offline command: a labelled scorer, not a model (site/runnable.py).
OFFLINE_BACKEND = "heuristic"
# "Similar entries": how many an entry page lists, how many candidates each is ranked among
# (those sharing the most options), and how popular an option may be and still nominate
# candidates. With both bounds the work per entry is constant: the build stays linear.
SIMILAR_SHOWN = 4
SIMILAR_CANDIDATES = 300
SIMILAR_OPTION_CAP = 400
DIFFERS_SHOWN = 3


def build(ctx: PageContext) -> None:
    """The index and the shell every entry page is stamped into (site/shell.py); the entry
    pages themselves are rendered after mkdocs (render_entries, site/stamping.py)."""
    render_index(ctx)
    copy_figures(ctx.catalog.root, ctx.paths.docs, judge_measurements(ctx.catalog.root))
    if not ctx.entry_markdown:
        ctx.write(shell.SOURCE, shell.MARKDOWN)
        return
    for entry, page, _ in render_entries(ctx, markdown=True):
        ctx.write(f"entries/{entry.id}.md", page)


def render_index(ctx: PageContext) -> None:
    """entries/index.md: every entry by label, one table row each, kept per entry
    (entry_memo) so that a live rebuild joins the rows of unchanged entries."""
    memo = entry_memo(ctx.catalog, "entries index row")
    rows = "".join(memoized(memo, entry, None, functools.partial(_index_row, entry))
                   for entry in sorted(ctx.catalog, key=lambda e: e.label.lower()))
    ctx.render("entries/index.md", "entries_index.md.j2", count=len(ctx.catalog),
               rows=Markup(rows))


def _index_row(entry: Entry) -> str:
    e = escape
    aliases = (f' <span class="as-muted">({", ".join(e(a) for a in entry.aliases)})</span>'
               if entry.aliases else "")
    return (f'<tr><td><a href="{e(entry.id)}.html">{e(entry.name)}</a>{aliases}</td>'
            f'<td>{e(entry.kind)}</td><td>{e(entry.year)}</td><td><code>{e(entry.id)}</code>'
            "</td></tr>\n")


def entry_inputs(ctx: PageContext) -> tuple:
    """What every entry page reads besides its entry (the pipeline linker, the git dates of
    every entry file, the judge measurements), worked out once per build: forked stamping
    workers inherit it instead of each asking git again."""
    found = getattr(ctx, "_entry_inputs", None)
    if found is None:
        found = ctx._entry_inputs = (pipeline_linker(ctx.report), entry_dates(ctx.catalog),
                                     judge_measurements(ctx.catalog.root))
    return found


class Fragments:
    """The pieces of entry_fragments.j2, each rendered once per build for its arguments: the
    same option cell or rule appears on hundreds of pages, and rendering it through the
    template every time was most of what a page cost."""

    def __init__(self, ctx: PageContext):
        self._module = ctx.env.get_template("entry_fragments.j2").module
        self._using = ctx.using
        self._ctx = ctx
        self._done: dict[tuple, object] = {}

    def _once(self, name: str, key: tuple, *args):
        """The macro `name` called with `args`, rendered once per `key` (the args themselves
        where they are hashable)."""
        found = self._done.get((name, *key))
        if found is None:
            found = self._done[(name, *key)] = getattr(self._module, name)(*args)
        return found

    def option_cell(self, option: str, base: str):
        count = len(self._using.get(option, ()))
        return self._once("option_cell", (option, base, count), option, base, count)

    def implied_rule(self, effect, base: str):
        return self._once("implied_rule", (effect, base), effect, base)

    def shift_rule(self, effect, base: str):
        return self._once("shift_rule", (effect, base), effect, base)

    # A chip and a profile row are functions of the dimension's explanation alone
    # (tradeoff_chips), and most entries share their explanations with others.
    def chip_data(self, dim_id: str, ex) -> dict:
        """tradeoff_chip's answer, with the explanation's key (for chip and profile_row)."""
        key = _explanation_key(ex)
        found = self._done.get(("chip_data", key))
        if found is None:
            found = self._done[("chip_data", key)] = {**tradeoff_chip(self._ctx, dim_id, ex),
                                                      "key": key}
        return found

    def chip(self, chip: dict, ex):
        """Cleaned by nh3 here, once (entry.html.j2 leaves the chips out of its clean region)."""
        key = ("chip", chip["key"])
        found = self._done.get(key)
        if found is None:
            found = self._done[key] = clean(self._module.chip(chip, ex))
        return found

    def profile_row(self, chip: dict, ex, base: str):
        return self._once("profile_row", (chip["key"], base), chip, ex, base)

    # A page's whole run of chips, profile rows or option cells joined here rather than by a
    # template loop: a call from a template costs more than the cached fragment it returns.
    def chips_html(self, chips: list[dict], profile: dict) -> Markup:
        return Markup("".join(self.chip(chip, profile[chip["id"]]) for chip in chips))

    def profile_rows_html(self, chips: list[dict], profile: dict, base: str) -> Markup:
        return Markup("\n".join(self.profile_row(chip, profile[chip["id"]], base)
                                for chip in chips))

    def option_cells_html(self, dim, options, base: str) -> Markup:
        return Markup(", ".join(self.option_cell(f"{dim.qualified}.{option}", base)
                                for option in options))


def _explanation_key(ex) -> tuple:
    return (ex.dimension, ex.level, ex.source, tuple(ex.implied_by), tuple(ex.shifted_by),
            tuple(ex.superseded), tuple(ex.components.items()), ex.derived_level,
            ex.override_why, tuple(ex.override_cite), ex.reason, tuple(ex.gaps))


def fragments(ctx: PageContext) -> Fragments:
    found = getattr(ctx, "_fragments", None)
    if found is None:
        found = ctx._fragments = Fragments(ctx)
    return found


def prepare_entry_pages(ctx: PageContext) -> None:
    """Everything entry pages share, made once: forked stamping workers inherit it instead of
    each building it again (site/stamping.py)."""
    entry_inputs(ctx)
    similarity_index(ctx, SIMILAR_OPTION_CAP)
    fragments(ctx)
    ctx.env.get_template("entry.html.j2")


def render_entries(ctx: PageContext, ids=None, progress=True, markdown=False):
    """(entry, content HTML, its Headings) for every entry, or for `ids`, in id order: the
    page content rendered straight to HTML by entry.html.j2 (no Markdown parsing). With
    `markdown`, the whole page as Markdown instead (entry.md.j2: front matter, the same HTML
    blocks, Markdown headings)."""
    linker, dates, measurements = entry_inputs(ctx)
    if progress:
        ctx.progress("  similar entries")
    similar = similar_entries(ctx, ids)
    template = ctx.env.get_template("entry.md.j2" if markdown else "entry.html.j2")
    chosen = sorted(ids if ids is not None else ctx.catalog.entries)
    step = max(len(chosen) // 10, 500)
    for i, entry_id in enumerate(chosen, 1):
        entry = ctx.catalog.entries[entry_id]
        headings = Headings(markdown)
        body = template.render(base="../", heading=headings, **entry_context(
            ctx, entry, linker, dates.get(entry.source), measurements, similar.get(entry.id)))
        yield entry, body, headings
        if progress and i % step == 0 and i < len(chosen):
            ctx.progress(f"  entry pages: {i}/{len(chosen)}")


def entry_context(ctx: PageContext, entry: Entry, linker, dates=None, measurements=None,
                  similar=None) -> dict:
    catalog = ctx.catalog
    pipeline = None
    if linker is not None:
        try:
            pipeline = linker(entry, catalog)
        except Exception as exc:  # their bug must not hide which entry it hit
            raise SiteError(f"{entry.source}: the pipeline links for {entry.id!r} failed: "
                            f"{type(exc).__name__}: {exc}") from exc
        pipeline = pipeline_view(pipeline, ctx.links, entry)
    references = [(key, catalog.reference(key)) for key in entry.citations]
    main_ref = catalog.reference(entry.cite)
    profile = ctx.profiles[entry.id]
    links = [(name, url) for name, url in entry.links.items() if safe_url(url)]
    buttons = [(label, url) for key, label in BUTTONS for name, url in links if name == key]
    site_url = str(ctx.config.get("site_url") or "").rstrip("/")
    judge = measurements if measurements and _uses_llm_judge(entry) else None
    return {
        "entry": entry,
        "description": description(entry),
        "search_tags": search_tags(entry),
        "stage_rows": stage_rows(ctx, entry),
        "stage_cards": stage_cards(ctx, entry),
        "experiment_rows": experiment_rows(ctx, entry),
        "profile": profile,
        "chips": tradeoff_chips(ctx, profile),
        "references": [(k, r) for k, r in references if r is not None],
        "paper_bibtex": main_ref.raw if main_ref is not None and main_ref.raw else "",
        "record_bibtex": record_bibtex(entry, site_url, ctx.repo_url, dates),
        "dates": dates,
        "builds_on": [catalog.entries[i] for i in entry.builds_on if i in catalog.entries],
        "built_upon_by": ctx.built_upon_by.get(entry.id, []),
        "uses_data": [catalog.entries[i] for i in entry.uses_data if i in catalog.entries],
        "used_by": ctx.used_by_data.get(entry.id, []),
        "objectives": [catalog.entries[i] for i in entry.training.get("objectives", ())
                       if i in catalog.entries],
        "links": links,
        "buttons": buttons,
        "edit_url": ctx.links.edit_url(entry.source),
        "pipeline": pipeline,
        "judge": judge,
        "kind_href": explorer_href("../", ("kind", entry.kind)),
        "year_href": explorer_href("../", ("year", entry.year)),
        "compare_href": f"../side-by-side.html?ids={entry.id}",
        "similar": similar or [],
        "fragments": fragments(ctx),
    }


def similar_entries(ctx: PageContext, ids=None) -> dict[str, list[dict]]:
    """entry id -> the few entries most like it, as `alignscape similar` ranks them
    (alignscape.query.analysis.similar), each with what differs, computed once for the build.

    Candidates are the SIMILAR_CANDIDATES entries sharing the most options with it (an option
    chosen by more than SIMILAR_OPTION_CAP entries nominates no one: it says little and would
    make the count quadratic); `similar`'s score picks the best few of those (site/similarity.py
    does both on arrays); `similar` then ranks them and says what differs. The work per entry
    is bounded, so the build stays linear in the catalog's size. `ids` limits the work to those
    entries (serve's live rebuild), with the same ranking."""
    from alignscape.query.analysis import similar

    catalog = ctx.catalog
    label = ctx.links.option_label
    dims = catalog.taxonomy.dimensions
    index = similarity_index(ctx, SIMILAR_OPTION_CAP)

    out: dict[str, list[dict]] = {}
    for entry in (catalog.entries[i] for i in ids) if ids is not None else catalog:
        best = index.candidates(entry.id, entry.options, SIMILAR_CANDIDATES, SIMILAR_SHOWN * 2)
        if not best:
            continue
        rows = []
        for found in similar(catalog, entry.id, limit=SIMILAR_SHOWN,
                             within=[catalog.entries[i] for i in best]):
            if found.score <= 0:
                continue
            differs = []
            for dim, (here, there) in found.differs.items():
                differs.append({
                    "dimension": dims[dim].label if dim in dims else dim,
                    "mine": [label(f"{dim}.{o}") for o in here],
                    "theirs": [label(f"{dim}.{o}") for o in there]})
            rows.append({"entry": found.entry, "score": round(found.score * 100),
                         "differs": differs[:DIFFERS_SHOWN],
                         "more": max(len(differs) - DIFFERS_SHOWN, 0)})
        out[entry.id] = rows
    return out


def description(entry: Entry) -> str:
    """The page's meta description: what the entry is, then its summary, cut at a word."""
    head = f"{entry.label} ({entry.kind}, {entry.year}): "
    text = head + entry.summary
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def search_tags(entry: Entry) -> list[str]:
    """What the theme's search indexes as the page's tags (its most heavily weighted field,
    and the names alignscape-search.js puts first when one equals the query): the names people
    type for the entry (short name, aliases, paper title, the id read as words)."""
    tags = [entry.label, *entry.aliases, entry.name]
    spoken = entry.id.replace("_", " ")
    if spoken.lower() not in {t.lower() for t in tags}:
        tags.append(spoken)
    return list(dict.fromkeys(" ".join(t.split()) for t in tags if t.strip()))


def _uses_llm_judge(entry: Entry) -> bool:
    return any(o.startswith("evaluation.evaluators.llm_judge") or
               o.startswith("evaluation.evaluators.self_judge")
               for o in entry.options | frozenset(
                   f"{d}.{o}" for d, opts in entry.experiment_choices.items() for o in opts))


def record_bibtex(entry: Entry, site_url: str, repo_url: str, dates) -> str:
    """A BibTeX record for the alignscape entry itself (the classification, not the paper)."""
    def braced(text: str) -> str:
        return re.sub(r"[{}\\]", "", " ".join(str(text).split()))
    year = (dates or {}).get("modified") or (dates or {}).get("added")
    year = (year or datetime.now(UTC).strftime("%Y"))[:4]
    url = (f"{site_url}/entries/{entry.id}.html" if site_url
           else f"{repo_url}/blob/main/{entry.source}")
    key = "alignscape_" + re.sub(r"[^A-Za-z0-9_]", "_", entry.id)
    tex_id = braced(entry.id).replace("_", "\\_")
    return "\n".join([
        f"@misc{{{key},",
        f"  title        = {{{{{braced(entry.label)}}} in alignscape: the classification of "
        f"its alignment-data pipeline}},",
        "  author       = {{alignscape contributors}},",
        f"  year         = {{{year}}},",
        f"  howpublished = {{\\url{{{url}}}}},",
        f"  note         = {{Catalog entry \\texttt{{{tex_id}}}, classifying "
        f"{braced(entry.cite)}}}",
        "}"])


def pipeline_view(data, links: Links, entry: Entry | None = None) -> dict | None:
    """What the page shows of entry_pipeline()'s answer: the run command as it works when
    typed, and per option the function implementing it, linked to its source line when the
    source is a plain relative path."""
    if not isinstance(data, dict) or not data.get("command"):
        return None
    stages = []
    for stage in data.get("stages") or ():
        source = str(stage.get("source") or "")
        line = stage.get("line")
        stages.append({
            "stage": str(stage.get("stage", "")), "option": str(stage.get("option", "")),
            "dimension": str(stage.get("dimension", "")),
            "module": str(stage.get("module", "")),
            "function": str(stage.get("function") or ""), "source": source,
            "line": line if isinstance(line, int) else None,
            "href": links.source_url(source, line)})
    descriptive = [{"stage": str(d.get("stage", "")), "option": str(d.get("option", "")),
                    "dimension": str(d.get("dimension", "")), "note": str(d.get("note", ""))}
                   for d in data.get("descriptive") or ()]
    not_applicable = {str(k): str(v) for k, v in (data.get("not_applicable") or {}).items()}
    by_stage: dict[str, list[dict]] = {}
    for stage in stages:
        by_stage.setdefault(stage["stage"], []).append(stage)
    for stage in not_applicable:
        by_stage.setdefault(stage, [])
    commands = run_commands(entry, stages) if entry is not None else {}
    return {"command": commands.get("run") or str(data["command"]), "by_stage": by_stage,
            "descriptive": descriptive, "not_applicable": not_applicable, **commands}


def run_commands(entry: Entry, stages: list[dict]) -> dict:
    """The commands an entry page prints, each working as typed from the repository's root.

    `recipe` prints the entry's recipe (offline, always). `run` runs the pipeline over the
    example prompts: offline with the heuristic scorer when no stage has to write text,
    otherwise naming the backend flags of an OpenAI-compatible server (a local vLLM or
    llama.cpp) and the model names a stage needs. `input_only` marks a recipe that judges
    nothing itself, so it pairs only verdicts its input already holds."""
    from alignscape.site.runnable import extra_settings, needs_text_model, pairs_from_input_only

    base = [f"alignscape run {entry.id}", f"--prompts {EXAMPLE_PROMPTS}",
            f"--out runs/{entry.id}"]
    generating = needs_text_model(entry, stages)
    if generating is None:
        run = [*base, f"--backend {OFFLINE_BACKEND}", *extra_settings(stages)]
    else:
        run = [*base, "--backend openai:MODEL", "--base-url http://127.0.0.1:8000/v1",
               "--role reward=heuristic"]
        if any(s["option"] == "multi_model_pool" for s in stages):
            run.append("--role-model pool=MODEL_A,MODEL_B")
        run += extra_settings(stages)
    return {"run": " ".join([*run, "--restart"]), "offline": generating is None,
            "generating": generating, "input_only": pairs_from_input_only(entry, stages),
            "recipe": f"alignscape run {entry.id} --print-recipe",
            "prompts": EXAMPLE_PROMPTS}


def stage_cards(ctx: PageContext, entry: Entry) -> list[dict]:
    """The header card's three stages: the options chosen (each linking to the explorer
    filtered by it), or why the stage is left to the data or does not apply."""
    cards = []
    for group in ctx.catalog.taxonomy.stages:
        options = []
        for dim in group.dimensions:
            for option in entry.choices.get(dim.qualified, ()):
                qualified = f"{dim.qualified}.{option}"
                options.append({"label": ctx.links.option_label(qualified),
                                "dimension": dim.label,
                                "href": option_explorer_href(qualified, "../")})
        cards.append({"id": group.id, "label": group.label, "options": options,
                      "open": entry.open_stages.get(group.id),
                      "not_applicable": entry.not_applicable(group.id),
                      "href": f"../taxonomy/{group.id}.html"})
    return cards


def experiment_rows(ctx: PageContext, entry: Entry) -> list[dict]:
    """What the paper's own experiments used (experiments:), by dimension, apart from what
    the method prescribes."""
    rows = []
    for qualified, options in entry.experiment_choices.items():
        dim = ctx.catalog.taxonomy.dimensions.get(qualified)
        if dim is None or dim.derived_from:
            continue
        rows.append({"dimension": dim, "options": [
            {"label": ctx.links.option_label(f"{qualified}.{o}"),
             "href": option_explorer_href(f"{qualified}.{o}", "../")} for o in options]})
    return rows


def tradeoff_chips(ctx: PageContext, profile: dict) -> list[dict]:
    """One chip per trade-off dimension: its level, whether that is the better or worse end
    of the scale for this dimension, and the reason in words (shown on hover and in text);
    each made once per build for its explanation (Fragments.chip_data)."""
    made = fragments(ctx)
    return [made.chip_data(dim_id, ex) for dim_id, ex in profile.items()]


def tradeoff_chip(ctx: PageContext, dim_id: str, ex) -> dict:
    tradeoffs = ctx.catalog.tradeoffs
    levels = list(tradeoffs.levels)
    dim = tradeoffs.dimensions[dim_id]
    if ex.level:
        rank = levels.index(ex.level)
        goodness = rank if dim.better == "higher" else len(levels) - 1 - rank
        verdict = ("better" if goodness == len(levels) - 1 else
                   "worse" if goodness == 0 else "middle")
    else:
        verdict = "data" if ex.source == "set_by_data" else "unknown"
    return {"id": dim_id, "label": dim.label, "level": ex.level, "source": ex.source,
            "verdict": verdict, "reason": level_reason(ctx, dim_id, ex),
            "href": explorer_href("../", (f"tradeoff.{dim_id}", ex.level or "none"))}


def level_reason(ctx: PageContext, dim_id: str, ex) -> str:
    """Why the level is what it is, in one sentence a reader can follow."""
    tradeoffs = ctx.catalog.tradeoffs
    label = ctx.links.option_label
    if ex.source == "override":
        derived = f" (the rules would give {ex.derived_level})" if ex.derived_level else ""
        return f"Set by this entry's paper{derived}: {ex.override_why}"
    if ex.source == "aggregate":
        parts = ", ".join(f"{tradeoffs.dimensions[c].label.lower()} {lvl or 'not determined'}"
                          for c, lvl in ex.components.items())
        return f"The worst of its components: {parts}."
    if ex.source == "set_by_data":
        return f"Set by the data: {ex.reason}."
    if ex.source == "unknown":
        return f"Not determined: {ex.reason}."
    rules = "; ".join(f"{label(e.option)} → {e.level}" for e in ex.implied_by)
    shifts = "; ".join(f"{label(e.option)} {e.shift:+d}" for e in ex.shifted_by)
    return f"Derived from {rules}" + (f", shifted by {shifts}" if shifts else "") + "."


def stage_rows(ctx: PageContext, entry: Entry) -> list[dict]:
    """One block per group the entry speaks to: its dimensions' options plus the free-form
    details and the evidence behind them."""
    rows = []
    for group in ctx.catalog.taxonomy.groups:
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
        left_open = entry.open_stages.get(group.id) if group.kind == "stage" else None
        if not (choices or details or not_applicable or left_open):
            continue
        rows.append({"group": group, "choices": choices, "details": details,
                     "not_applicable": not_applicable, "open": left_open,
                     "evidence": data.get("evidence"), "confidence": data.get("confidence")})
    return rows


def pipeline_linker(report: GenerateReport):
    """alignscape.pipeline.links.entry_pipeline once the pipeline layer provides it."""
    try:
        from alignscape.pipeline.links import entry_pipeline
    except ImportError as exc:
        if exc.name and not exc.name.startswith("alignscape.pipeline"):
            report.notes.append(f"pipeline sections left out: {exc}")
        return None
    return entry_pipeline
