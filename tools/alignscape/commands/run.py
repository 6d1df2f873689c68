"""alignscape run ENTRY_ID | --recipe FILE --prompts FILE --out DIR: build training data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from alignscape.commands import load_catalog_or_exit

RECIPES_DIR = Path(__file__).resolve().parents[1] / "pipeline" / "recipes"


def register(sub) -> None:
    p = sub.add_parser(
        "run", help="run an entry's data pipeline (or a recipe file) over prompts",
        description="Run the reference pipeline of a catalog entry, or a recipe YAML file, over "
        "a JSONL prompts file; write TRL-format JSONL + Parquet, records.jsonl (everything that "
        "happened), failures.jsonl and report.json to --out. Killed runs resume when started "
        "again with the same arguments.")
    p.add_argument("entry", nargs="?", help="catalog entry id (or give --recipe)")
    p.add_argument("--recipe", help="recipe YAML file, or the name of a bundled recipe "
                   f"({', '.join(sorted(x.stem for x in RECIPES_DIR.glob('*.yaml')))})")
    p.add_argument("--prompts", help="JSONL prompts file (one object a line)")
    p.add_argument("--out", help="output folder (created; reused to resume)")
    b = p.add_argument_group("backends")
    b.add_argument("--backend", help="default backend for every role: replay:DIR, "
                   "openai:MODEL, transformers:PATH or heuristic")
    b.add_argument("--role", action="append", default=[], metavar="ROLE=SPEC",
                   help="backend of one role (policy, reference, teacher, pool, judge, reward, "
                   "preference), e.g. --role judge=heuristic; repeatable")
    b.add_argument("--role-model", action="append", default=[], metavar="ROLE=NAME[,NAME]",
                   help="model name(s) a role asks its backend for, e.g. --role-model "
                   "pool=alpaca-7b,zephyr-7b-beta")
    b.add_argument("--replay-dir", help="shorthand for --backend replay:DIR")
    b.add_argument("--base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    b.add_argument("--api-key-env", default="OPENAI_API_KEY",
                   help="environment variable holding the API key (default OPENAI_API_KEY)")
    b.add_argument("--concurrency", type=int, default=8, help="parallel HTTP requests (8)")
    b.add_argument("--timeout", type=float, default=60.0, help="HTTP timeout in seconds (60)")
    b.add_argument("--max-retries", type=int, default=5, help="retries on 429/5xx (5)")
    b.add_argument("--backoff", type=float, default=0.5,
                   help="first retry delay in seconds, doubled each retry (0.5)")
    r = p.add_argument_group("run")
    r.add_argument("--batch-size", type=int, default=16, help="prompts per batch (16)")
    r.add_argument("--limit", type=int, help="only the first N lines of the prompts file")
    r.add_argument("--seed", type=int, help="run seed (default: the recipe's, else 0)")
    r.add_argument("--style", choices=["standard", "conversational"],
                   help="TRL style of the rows (default: the recipe's, else standard)")
    r.add_argument("--set", action="append", default=[], metavar="OPTION.KEY=VALUE",
                   help="stage setting, e.g. --set llm_judge.both_orders=false (YAML value)")
    r.add_argument("--restart", action="store_true", help="discard existing output in --out")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument("--no-parquet", action="store_true", help="JSONL only")
    r.add_argument("--print-recipe", action="store_true",
                   help="print the recipe as YAML and exit (nothing runs)")
    r.add_argument("--json", action="store_true", help="print report.json to stdout")
    p.set_defaults(handler=run)


def _fail(message: str) -> int:
    print(f"alignscape run: {message}", file=sys.stderr)
    return 2


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise ValueError(f"{flag} {value!r}: expected KEY=VALUE")
        out[key.strip()] = rest.strip()
    return out


def build_recipe(args):
    from alignscape.pipeline.recipe import RecipeError, from_entry, load_recipe

    if bool(args.entry) == bool(args.recipe):
        raise RecipeError("give either an ENTRY_ID or --recipe FILE (not both)")
    if args.recipe:
        path = Path(args.recipe)
        if not path.exists() and (RECIPES_DIR / f"{args.recipe}.yaml").exists():
            path = RECIPES_DIR / f"{args.recipe}.yaml"
        return load_recipe(path)
    catalog = load_catalog_or_exit(args)
    if args.entry not in catalog.entries:
        close = [e for e in catalog.entries if args.entry.replace("-", "_") in e][:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise RecipeError(f"no entry {args.entry!r} in the catalog{hint}")
    return from_entry(catalog[args.entry], catalog)


def apply_overrides(recipe, args) -> None:
    import yaml

    for key, raw in _pairs(args.set, "--set").items():
        option, _, setting = key.rpartition(".")
        targets = [s for s in recipe.stages if option in (s.option, s.use)]
        if not option or not targets:
            raise ValueError(f"--set {key}: no stage {option!r} in the recipe "
                             f"({', '.join(s.option for s in recipe.stages)})")
        for st in targets:
            st.config[setting] = yaml.safe_load(raw)
    if args.seed is not None:
        recipe.seed = args.seed
    if args.style:
        recipe.style = args.style
    for role, names in _pairs(args.role_model, "--role-model").items():
        parts = [n for n in names.split(",") if n]
        recipe.models[role] = parts if len(parts) > 1 or role == "pool" else parts[0]


def build_context(recipe, args):
    import os

    from alignscape.pipeline.backends import make_backend
    from alignscape.pipeline.context import ROLES, Context

    specs = dict(recipe.backends)
    if args.replay_dir:
        specs["default"] = f"replay:{args.replay_dir}"
    if args.backend:
        specs["default"] = args.backend
    specs.update(_pairs(args.role, "--role"))
    unknown = sorted(set(specs) - set(ROLES))
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; roles are {', '.join(ROLES)}")
    options = {"base_url": args.base_url, "api_key": os.environ.get(args.api_key_env),
               "concurrency": args.concurrency, "timeout": args.timeout,
               "max_retries": args.max_retries, "backoff": args.backoff}
    built: dict[str, object] = {}
    backends = {}
    for role, spec in specs.items():
        if spec not in built:
            built[spec] = make_backend(spec, options)
        backends[role] = built[spec]
    return Context(backends=backends, models=dict(recipe.models), seed=recipe.seed,
                   entry=recipe.entry or recipe.name)


def run(args) -> int:
    import yaml

    from alignscape.pipeline.backends.base import BackendError
    from alignscape.pipeline.recipe import RecipeError
    from alignscape.pipeline.runner import RunError, RunOptions
    from alignscape.pipeline.runner import run as run_pipeline

    try:
        recipe = build_recipe(args)
        apply_overrides(recipe, args)
    except (RecipeError, ValueError) as exc:
        return _fail(str(exc))
    if args.print_recipe:
        sys.stdout.write(yaml.safe_dump(recipe.as_dict(), sort_keys=False, allow_unicode=True))
        return 0
    if not args.prompts or not args.out:
        return _fail("--prompts FILE and --out DIR are required (or --print-recipe)")
    if args.batch_size < 1:
        return _fail("--batch-size must be at least 1")
    try:
        ctx = build_context(recipe, args)
        report = run_pipeline(recipe, args.prompts, args.out, ctx, RunOptions(
            batch_size=args.batch_size, limit=args.limit, progress=not args.no_progress,
            restart=args.restart, parquet=not args.no_parquet))
    except (RunError, BackendError, RecipeError, ValueError) as exc:
        return _fail(str(exc))
    finally:
        for backend in {id(b): b for b in getattr(locals().get("ctx"), "backends",
                                                  {}).values()}.values():
            backend.close()
    _summary(report, args.out)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    return 0


def _summary(report: dict, out: str) -> None:
    rows = ", ".join(f"{n} {fmt}" for fmt, n in report["rows"].items()) or "no rows"
    print(f"alignscape run: {report['records']} prompts -> {rows} in {out}", file=sys.stderr)
    if report["failures"]:
        print(f"  {report['failures']} prompt(s) with recorded errors: {out}/failures.jsonl",
              file=sys.stderr)
    if report["input_errors"]:
        print(f"  {report['input_errors']} bad input line(s): {out}/input_errors.jsonl",
              file=sys.stderr)
    agreement = report.get("judge_agreement")
    if agreement and agreement.get("n_matched"):
        print(f"  judge agreement with {agreement['reference']}: "
              f"{agreement['agreement']:.3f} over {agreement['n_matched']} comparisons "
              f"({agreement['agreement_decisive']:.3f} on decisive ones)", file=sys.stderr)
