"""The entries: their index and a page per entry (its pipeline stage by stage, the evidence,
the trade-off profile, lineage, references and the runnable reference pipeline)."""

from __future__ import annotations

from alignscape.model import Entry
from alignscape.site.context import GenerateReport, PageContext
from alignscape.site.errors import SiteError
from alignscape.site.links import Links
from alignscape.site.safety import safe_url

STAGE_DETAIL_FIELDS = {
    "synthesis": (("responses_per_prompt", "Responses per prompt"), ("models", "Models")),
    "evaluation": (("aspects", "Aspects judged"), ("judge_models", "Judge models")),
    "instantiation": (("size", "Size"),),
}


def build(ctx: PageContext) -> None:
    entries = sorted(ctx.catalog, key=lambda e: e.name.lower())
    ctx.render("entries/index.md", "entries_index.md.j2", entries=entries)
    linker = pipeline_linker(ctx.report)
    step = max(len(entries) // 10, 500)
    for i, entry in enumerate(entries, 1):
        ctx.render(f"entries/{entry.id}.md", "entry.md.j2", **entry_context(ctx, entry, linker))
        if i % step == 0 and i < len(entries):
            ctx.progress(f"  entry pages: {i}/{len(entries)}")


def entry_context(ctx: PageContext, entry: Entry, linker) -> dict:
    catalog = ctx.catalog
    pipeline = None
    if linker is not None:
        try:
            pipeline = linker(entry, catalog)
        except Exception as exc:  # their bug must not hide which entry it hit
            raise SiteError(f"{entry.source}: the pipeline links for {entry.id!r} failed: "
                            f"{type(exc).__name__}: {exc}") from exc
        pipeline = pipeline_view(pipeline, ctx.links)
    references = [(key, catalog.reference(key)) for key in entry.citations]
    return {
        "entry": entry,
        "stage_rows": stage_rows(ctx, entry),
        "profile": ctx.profiles[entry.id],
        "references": [(k, r) for k, r in references if r is not None],
        "bibtex": "\n\n".join(r.raw for _, r in references if r is not None and r.raw),
        "builds_on": [catalog.entries[i] for i in entry.builds_on if i in catalog.entries],
        "built_upon_by": ctx.built_upon_by.get(entry.id, []),
        "uses_data": [catalog.entries[i] for i in entry.uses_data if i in catalog.entries],
        "used_by": ctx.used_by_data.get(entry.id, []),
        "objectives": [catalog.entries[i] for i in entry.training.get("objectives", ())
                       if i in catalog.entries],
        "links": [(name, url) for name, url in entry.links.items() if safe_url(url)],
        "edit_url": ctx.links.edit_url(entry.source),
        "pipeline": pipeline,
    }


def pipeline_view(data, links: Links) -> dict | None:
    """What the page shows of entry_pipeline()'s answer; source paths become repository
    links only when they are plain relative paths."""
    if not isinstance(data, dict) or not data.get("command"):
        return None
    stages = []
    for stage in data.get("stages") or ():
        source = str(stage.get("source") or "")
        stages.append({
            "stage": str(stage.get("stage", "")), "option": str(stage.get("option", "")),
            "dimension": str(stage.get("dimension", "")),
            "module": str(stage.get("module", "")), "source": source,
            "href": links.source_url(source)})
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
        if not (choices or details or not_applicable):
            continue
        rows.append({"group": group, "choices": choices, "details": details,
                     "not_applicable": not_applicable,
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
