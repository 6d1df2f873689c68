"""alignscape run ENTRY_ID | --recipe FILE --prompts FILE --out DIR: build training data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from alignscape.commands import load_catalog_or_exit


def bundled_recipes() -> dict[str, object]:
    """Recipe files shipped inside the package (read through importlib.resources)."""
    from importlib import resources

    folder = resources.files("alignscape.pipeline") / "recipes"
    if not folder.is_dir():
        return {}
    return {item.name[:-5]: item for item in folder.iterdir() if item.name.endswith(".yaml")}


def register(sub) -> None:
    p = sub.add_parser(
        "run", help="run an entry's data pipeline (or a recipe file) over prompts",
        description="Run the reference pipeline of a catalog entry, or a recipe YAML file, over "
        "a JSONL prompts file; write TRL-format JSONL + Parquet, records.jsonl (what the "
        "pipeline added per prompt: candidates, judgements, pairs, errors), failures.jsonl and "
        "report.json to --out. Killed runs resume when started again with the same arguments.")
    p.add_argument("entry", nargs="?", help="catalog entry id (or give --recipe)")
    p.add_argument("--recipe", help="recipe YAML file, or the name of a bundled recipe "
                   f"({', '.join(sorted(bundled_recipes()))})")
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
    b.add_argument("--max-failure-rate", type=float, default=0.5,
                   help="stop when more than this share of the last 200 requests failed after "
                   "their retries (0.5; 1 never stops). The run also stops when its first 10 "
                   "requests all fail with the same error")
    r = p.add_argument_group("run")
    r.add_argument("--batch-size", type=int,
                   help="prompts per batch, each committed with one fsync (default 16 with a "
                   "backend, 1024 when the recipe calls none)")
    r.add_argument("--batches-in-flight", type=int, metavar="N",
                   help="batches processed at once, committed in input order (default: enough "
                   "for 4 x --concurrency prompts with an HTTP backend, 1 otherwise); memory "
                   "holds N x --batch-size prompts")
    r.add_argument("--workers", type=int, metavar="N",
                   help="processes computing batches when the recipe calls no backend "
                   "(default: one per CPU; 1: in this process); each batch is still "
                   "committed in input order, so the files are the same")
    r.add_argument("--limit", type=int, help="only the first N lines of the prompts file")
    r.add_argument("--max-line-bytes", type=int, metavar="N",
                   help="an input line longer than N bytes is an input error of its line, "
                   "skipped without being read whole (default 64 MiB)")
    r.add_argument("--seed", type=int, help="run seed (default: the recipe's, else 0)")
    r.add_argument("--style", choices=["standard", "conversational"],
                   help="TRL style of the rows (default: the recipe's, else standard)")
    r.add_argument("--set", action="append", default=[], metavar="OPTION.KEY=VALUE",
                   help="stage setting, e.g. --set llm_judge.both_orders=false (YAML value)")
    r.add_argument("--restart", action="store_true", help="discard existing output in --out")
    r.add_argument("--retry-failures", action="store_true",
                   help="redo the prompts listed in --out's failures.jsonl in place: their rows "
                   "are replaced, never duplicated (same recipe and prompts file)")
    r.add_argument("--ray", action="store_true",
                   help="compute the batches as Ray Data tasks ([ray] extra): the same files "
                   "in --out, and a killed driver resumes with the same command")
    r.add_argument("--ray-address", metavar="ADDRESS",
                   help="the Ray cluster to use with --ray (default: a running one, else a "
                   "local one started for the run)")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument("--no-parquet", action="store_true", help="JSONL only")
    r.add_argument("--print-recipe", action="store_true",
                   help="print the recipe as YAML, every stage parameter with its type, "
                   "default and meaning, and exit (nothing runs)")
    r.add_argument("--json", action="store_true", help="print report.json to stdout")
    p.set_defaults(handler=run)


def default_batch_size(backends: dict) -> int:
    """16 prompts a batch when stages call a backend (a batch's requests are in flight
    together, and a killed run redoes at most the batches in flight); 1024 when none does: the
    batch is all computation, and each batch costs a commit and an fsync."""
    return 16 if backends else 1024


def _fail(message: str, code: int = 2) -> int:
    print(f"alignscape run: {message}", file=sys.stderr)
    return code


def check_flags(args) -> str | None:
    """The first problem with the numeric and path flags, or None."""
    rules = [("--batch-size", args.batch_size, lambda v: v is None or v >= 1, "at least 1"),
             ("--max-line-bytes", args.max_line_bytes, lambda v: v is None or v >= 1,
              "at least 1"),
             ("--limit", args.limit, lambda v: v is None or v >= 1, "at least 1"),
             ("--workers", args.workers, lambda v: v is None or v >= 1, "at least 1"),
             ("--concurrency", args.concurrency, lambda v: v >= 1, "at least 1"),
             ("--batches-in-flight", args.batches_in_flight, lambda v: v is None or v >= 1,
              "at least 1"),
             ("--timeout", args.timeout, lambda v: v > 0, "a positive number of seconds"),
             ("--max-retries", args.max_retries, lambda v: v >= 0, "0 or more"),
             ("--backoff", args.backoff, lambda v: v >= 0, "0 or more seconds"),
             ("--max-failure-rate", args.max_failure_rate, lambda v: 0 < v <= 1,
              "above 0 and at most 1")]
    for flag, value, ok, expected in rules:
        if not ok(value) or value != value:
            return f"{flag} {value}: must be {expected}"
    if getattr(args, "ray_address", None) and not args.ray:
        return "--ray-address is only used with --ray"
    if getattr(args, "workers", None) is not None and args.ray:
        return "--workers is not used with --ray (Ray places the batches)"
    if args.max_line_bytes is not None and args.ray:
        return "--max-line-bytes is not used with --ray (its parts read lines of up to 64 MiB)"
    if args.base_url and not args.base_url.startswith(("http://", "https://")):
        return f"--base-url {args.base_url}: expected an http:// or https:// URL"
    if args.prompts and not Path(args.prompts).is_file():
        what = "is a folder" if Path(args.prompts).is_dir() else "does not exist"
        return f"--prompts {args.prompts}: {what}; expected a JSONL file"
    if args.out:
        out = Path(args.out)
        for folder in (out, *out.parents):
            if folder.exists():
                if not folder.is_dir():
                    return (f"--out {args.out}: {folder} is a file, not a folder; choose "
                            "another --out")
                break
    return None


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise ValueError(f"{flag} {value!r}: expected KEY=VALUE")
        out[key.strip()] = rest.strip()
    return out


def build_recipe(args):
    from alignscape.pipeline.entry_recipe import from_entry
    from alignscape.pipeline.recipe import RecipeError, load_recipe
    from alignscape.suggest import hint

    if bool(args.entry) == bool(args.recipe):
        raise RecipeError("give either an ENTRY_ID or --recipe FILE (not both)")
    if args.recipe:
        path = Path(args.recipe)
        bundled = bundled_recipes()
        if not path.exists() and args.recipe in bundled:
            from importlib import resources

            with resources.as_file(bundled[args.recipe]) as real:
                return load_recipe(real)
        return load_recipe(path)
    catalog = load_catalog_or_exit(args)
    if args.entry not in catalog.entries:
        close = hint(args.entry, list(catalog.entries))
        raise RecipeError(f"no entry {args.entry!r} in the catalog" +
                          (f"; {close}" if close else ""))
    return from_entry(catalog[args.entry], catalog)


def apply_overrides(recipe, args) -> None:
    import yaml

    from alignscape.pipeline.recipe import override

    for key, raw in _pairs(args.set, "--set").items():
        override(recipe, key, yaml.safe_load(raw))
    if args.seed is not None:
        recipe.seed = args.seed
    if args.style:
        recipe.style = args.style
    for role, names in _pairs(args.role_model, "--role-model").items():
        parts = [n for n in names.split(",") if n]
        recipe.models[role] = parts if len(parts) > 1 or role == "pool" else parts[0]


def backend_specs(recipe, args) -> tuple[dict[str, str], dict]:
    """The backend spec of each role and the options every backend is built with (the same for
    a local run and for each Ray worker)."""
    import os

    from alignscape.runtime import ROLES

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
    return specs, options


def build_context(recipe, args):
    from alignscape.pipeline.backends import make_backend
    from alignscape.runtime import Context, FailureGuard

    specs, options = backend_specs(recipe, args)
    built: dict[str, object] = {}
    backends = {}
    for role, spec in specs.items():
        if spec not in built:
            built[spec] = make_backend(spec, options)
        backends[role] = built[spec]
    return Context(backends=backends, models=dict(recipe.models), seed=recipe.seed,
                   entry=recipe.entry or recipe.name,
                   guard=FailureGuard(max_failure_rate=getattr(args, "max_failure_rate", 0.5)))


def run(args) -> int:

    from alignscape.pipeline.recipe import RecipeError
    from alignscape.pipeline.runner import RunError, RunOptions
    from alignscape.pipeline.runner import run as run_pipeline
    from alignscape.runtime import BackendError

    try:
        recipe = build_recipe(args)
        apply_overrides(recipe, args)
        recipe.check(complete=not args.print_recipe)
    except (RecipeError, ValueError) as exc:
        return _fail(str(exc))
    if args.print_recipe:
        sys.stdout.write(recipe_yaml(recipe))
        return 0
    if not args.prompts or not args.out:
        return _fail("--prompts FILE and --out DIR are required (or --print-recipe)")
    problem = check_flags(args)
    if problem:
        return _fail(problem)
    if args.retry_failures and (args.restart or not (Path(args.out) / "manifest.json").exists()):
        return _fail("--retry-failures redoes the failures of an existing run in --out "
                     "(and cannot be combined with --restart)")
    try:
        if args.ray:
            from alignscape.pipeline.ray_support import run_ray

            specs, options = backend_specs(recipe, args)
            report = run_ray(recipe, args.prompts, args.out, specs, options, RunOptions(
                batch_size=args.batch_size or default_batch_size(specs), limit=args.limit,
                progress=not args.no_progress,
                restart=args.restart, parquet=not args.no_parquet,
                retry_failures=args.retry_failures),
                max_failure_rate=args.max_failure_rate, address=args.ray_address)
        else:
            with build_context(recipe, args) as ctx:
                report = run_pipeline(recipe, args.prompts, args.out, ctx, RunOptions(
                    batch_size=args.batch_size or default_batch_size(ctx.backends),
                    limit=args.limit, progress=not args.no_progress, restart=args.restart,
                    parquet=not args.no_parquet, retry_failures=args.retry_failures,
                    concurrency=args.concurrency, window=args.batches_in_flight,
                    workers=args.workers,
                    **({"max_line_bytes": args.max_line_bytes} if args.max_line_bytes else {})))
    except (RunError, BackendError, RecipeError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        # A full disk, a read-only folder, a file in the way: the committed batches are
        # intact (checkpoint.py), so the same command resumes once the cause is fixed.
        where = exc.filename or args.out
        return _fail(f"cannot write {where}: {exc.strerror or exc}; fix that and run the same "
                     "command again to resume from the last committed batch", code=1)
    _summary(report, args.out)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    empty = no_rows(report, args.out)
    if empty:
        return _fail(empty, code=1)
    return 0


def no_rows(report: dict, out: str) -> str | None:
    """Why the run wrote no training rows (None when it wrote some)."""
    if report["rows"]:
        if sum(report["rows"].values()):
            return None
    elif report["records"] - report["records_failed"] > 0:
        return None  # a recipe without formats writes records.jsonl only
    if not report["records"]:
        return ("no rows written: no prompt was read (the prompts file is empty or every line "
                f"is bad; see {out}/input_errors.jsonl)")
    cause = _first_error(Path(out) / "failures.jsonl")
    return (f"no rows written from {report['records']} prompt(s)" +
            (f"; first recorded error: {cause}" if cause else
             "; no errors were recorded, so the recipe's stages made nothing to write "
             f"(see {out}/records.jsonl)"))


def _first_error(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                for key in ("errors", "candidate_errors", "judgement_errors"):
                    for err in row.get(key) or []:
                        text = err.get("error") or err.get("parse_error")
                        if text:
                            return " ".join(str(text).split())[:200]
    except (OSError, ValueError):
        return None
    return None


def recipe_yaml(recipe) -> str:
    """The recipe as a loadable recipe file: every stage parameter with its value, and a
    comment with its type, default and meaning."""
    import yaml

    def flow(value) -> str:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                              width=10**9, sort_keys=False).strip()
        return text.removesuffix("\n...").removesuffix("...").strip()

    data = recipe.as_dict()
    head = {k: v for k, v in data.items() if k not in ("stages", "notes")}
    out = [yaml.safe_dump(head, sort_keys=False, allow_unicode=True).rstrip()]
    out.append("stages:")
    for st in recipe.stages:
        out.append(f"  - use: {st.use}")
        if st.runs != st.use:
            out.append(f"    # runs {st.runs}")
        params = st.function.params
        if not params:
            out.append("    config: {}")
            continue
        out.append("    config:")
        for name, param in params.items():
            value = st.settings.get(name, param.default)
            default = flow(param.default)
            default = default if len(default) <= 40 else default[:37] + "..."
            out.append(f"      {name}: {flow(value)}  # {param.type_name}, default "
                       f"{default}: {param.doc}")
    if recipe.notes:
        out.append(yaml.safe_dump({"notes": recipe.notes}, sort_keys=False,
                                  allow_unicode=True, width=100).rstrip())
    return "\n".join(out) + "\n"


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
