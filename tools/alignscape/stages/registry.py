"""The stage registry: every taxonomy option that runs is one registered function with
declared parameters.

A stage is declared where it is implemented::

    @stage("synthesis.selection.best_of_n",
           keep=Param(int, 1, "how many of the highest-scored candidates to keep"))
    def best_of_n(record, config, ctx): ...

The decorated name becomes a :class:`StageFunction`: calling it with
``(batch, config=None, ctx=None)`` checks ``config`` against the declared parameters
(unknown key with a did-you-mean, wrong type, value outside its choices: :class:`ConfigError`),
fills in the defaults and runs the function over the batch (a list of records or a dict of
columns, as Ray passes them; the same shape comes back). Formats return rows, not records.

``per_record=True`` stages are written as ``fn(record, config, ctx)`` and applied to each
record; the others receive the whole list (to send one batch of requests to a backend).

Options that do not have a function of their own are declared too, so a recipe that names them
runs or gets a clear error, and so the site can link each one to its source:

* :func:`alias` - the option runs another stage with preset settings (``tree_search`` is
  ``step_search`` with ``mode: tree``);
* :func:`setting` - the option is a setting of the stages that declare a parameter (the
  ``position_swap`` bias control is ``both_orders: true`` of the judges);
* :data:`DESCRIPTIVE` - the option describes the data rather than a step.

Nothing here reads files: existence is registration, source locations come from the function
objects (``tools/`` + the module path, plus the function's first line), so an installed wheel
answers exactly as a checkout does.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from alignscape.stages.base import to_columns, to_rows
from alignscape.suggest import hint

STAGE_GROUPS = ("synthesis", "evaluation", "instantiation")

_MISSING = object()
_TYPE_NAMES = {int: "int", float: "float", str: "str", bool: "bool", list: "list",
               dict: "mapping"}


class ConfigError(ValueError):
    """A stage's configuration does not match its declared parameters. ``key`` names the
    offending parameter (None when the problem is not one key's)."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Param:
    """One declared parameter: accepted type(s), default, one-line documentation.

    ``type`` is int, float, str, bool, list, dict or a tuple of them; ``items`` the type of a
    list's items; ``choices`` the allowed values (of the value, or of each item). A default of
    None makes the parameter optional (null allowed); ``required=True`` makes it mandatory."""

    type: type | tuple
    default: object = None
    doc: str = ""
    choices: tuple | None = None
    items: type | tuple | None = None
    required: bool = False

    @property
    def types(self) -> tuple:
        return self.type if isinstance(self.type, tuple) else (self.type,)

    @property
    def type_name(self) -> str:
        names = []
        for t in self.types:
            name = _TYPE_NAMES.get(t, getattr(t, "__name__", str(t)))
            if t is list and self.items is not None:
                inner = self.items if isinstance(self.items, tuple) else (self.items,)
                name += "[" + "|".join(_TYPE_NAMES.get(i, i.__name__) for i in inner) + "]"
            names.append(name)
        if self.default is None and not self.required:
            names.append("null")
        return "|".join(names)

    def check(self, name: str, value, complete: bool = True):
        """The value, coerced (int -> float where a float is declared); raises ConfigError.
        ``complete=False`` lets a required value still be missing."""
        if value is None:
            if self.required and not complete:
                return None
            if self.required:
                raise ConfigError(f"{name} is required ({self.doc})", name)
            if self.default is None:
                return None
            raise ConfigError(f"{name} must be {self.type_name}, not null", name)
        got = _coerce(value, self.types)
        if got is _MISSING:
            raise ConfigError(f"{name} must be {self.type_name}, not {_kind(value)} {value!r}",
                              name)
        value = got
        if isinstance(value, list) and self.items is not None:
            inner = self.items if isinstance(self.items, tuple) else (self.items,)
            out = []
            for i, item in enumerate(value):
                got = _coerce(item, inner)
                if got is _MISSING:
                    raise ConfigError(f"{name}[{i}] must be "
                                      f"{'|'.join(_TYPE_NAMES.get(t, t.__name__) for t in inner)}"
                                      f", not {_kind(item)} {item!r}", name)
                out.append(got)
            value = out
        if self.choices is not None:
            for item in (value if isinstance(value, list) else [value]):
                if item not in self.choices:
                    close = hint(str(item), self.choices)
                    raise ConfigError(f"{name}: {item!r} is not one of "
                                      f"{', '.join(map(str, self.choices))}"
                                      + (f"; {close}" if close else ""), name)
        return value


def _kind(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _coerce(value, types: tuple):
    for t in types:
        if t is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if t is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if t is list and isinstance(value, list | tuple):
            return list(value)
        if t not in (int, float, list) and isinstance(value, t):
            return value
    return _MISSING


class StageFunction:
    """A registered stage: its option id, declared parameters and the function that runs."""

    def __init__(self, option: str, fn: Callable, params: dict[str, Param], *,
                 rows: bool = False, per_record: bool = False, trace: bool = True,
                 validate: Callable | None = None):
        self.option = option
        self.validate = validate
        self.fn = fn
        self.params = params
        self.rows = rows
        self.per_record = per_record
        self.trace = trace and not rows
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__module__ = fn.__module__
        self.__wrapped__ = fn

    def __repr__(self) -> str:
        return f"<stage {self.option} ({self.__module__}.{self.__name__})>"

    @property
    def group(self) -> str:
        return self.option.split(".")[0]

    @property
    def dimension(self) -> str:
        return self.option.split(".")[1]

    @property
    def module(self) -> str:
        return self.fn.__module__

    @property
    def source(self) -> str:
        """The module's file relative to the repository root, as the site links to it."""
        return source_path(self.module)

    @property
    def line(self) -> int:
        """First line of the definition (its decorator), for a link to the source line."""
        return inspect.unwrap(self.fn).__code__.co_firstlineno

    @property
    def summary(self) -> str:
        doc = inspect.getdoc(self.fn) or ""
        return " ".join(doc.split("\n\n")[0].split())

    def defaults(self) -> dict:
        return {name: p.default for name, p in self.params.items()}

    def settings(self, config: dict | None = None, *, complete: bool = True) -> dict:
        """Every parameter's value: ``config`` checked against the declaration, defaults for
        the rest. Raises ConfigError (unknown key, wrong type, missing required value; with
        ``complete=False`` required values may still be missing, as in a recipe that is only
        printed)."""
        config = dict(config or {})
        unknown = [k for k in config if k not in self.params]
        if unknown:
            key = unknown[0]
            close = hint(key, list(self.params))
            known = ", ".join(self.params) or "none"
            raise ConfigError(f"{self.option} has no parameter {key!r}"
                              + (f"; {close}" if close else f" (its parameters: {known})"), key)
        out = {}
        for name, param in self.params.items():
            value = config.get(name, param.default)
            if isinstance(value, list | dict):
                value = _copy(value)
            out[name] = param.check(name, value, complete)
        if self.validate is not None:
            problem = self.validate(out)
            if problem:
                key, message = problem
                raise ConfigError(f"{self.option}: {message}", key)
        return out

    def __call__(self, batch, config: dict | None = None, ctx=None):
        rows, columns = to_rows(batch)
        settings = self.settings(config)
        if self.per_record:
            out = []
            for record in rows:
                got = self.fn(record, settings, ctx)
                out += got if self.rows else [record]
        else:
            out = self.fn(rows, settings, ctx)
        if self.trace:
            for record in out:
                record.setdefault("trace", []).append(self.option)
        return to_columns(out) if columns else out


def _copy(value):
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Alias:
    option: str
    target: str
    settings: dict
    why: str


@dataclass(frozen=True)
class Setting:
    option: str
    key: str | None       # the parameter it sets on every stage that declares it (None: always on)
    value: object
    why: str
    implemented_by: Callable | None = None


@dataclass
class _Registry:
    stages: dict[str, StageFunction] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    settings: dict[str, Setting] = field(default_factory=dict)
    loaded: bool = False


_REGISTRY = _Registry()

DESCRIPTIVE: dict[str, str] = {
    "synthesis.policy_relation.off_policy":
        "describes where the sources come from; the synthesis sources stages do the work",
    "synthesis.policy_relation.mixed":
        "describes a mix of sources; each source stage runs and their candidates are pooled",
    "evaluation.granularity.outcome":
        "every evaluator judges whole responses unless a step/atomic stage is chosen",
    "evaluation.dimensionality.scalar":
        "every evaluator produces one score unless multi_aspect is chosen",
    # Options added for the 2025-26 literature. Prompt selection happens before the pipeline:
    # the --prompts file is the selected set. The weightings say how a trainer weighs the loss
    # of the rows this pipeline writes, not how the rows are made.
    "synthesis.prompt_selection.pass_rate_filter":
        "the --prompts file holds the prompts kept by their measured pass rate",
    "synthesis.prompt_selection.online_difficulty":
        "re-selection during training is the trainer's; the pipeline writes each round's data",
    "synthesis.prompt_selection.domain_mixing":
        "the --prompts file holds the planned mix of domains",
    "synthesis.prompt_selection.deduplicated_decontaminated":
        "the --prompts file holds the deduplicated, decontaminated prompts",
    "instantiation.weighting.sequence_level":
        "how the trainer computes ratios and clipping over the rows (GSPO); rows are unchanged",
    "instantiation.weighting.token_level":
        "how the trainer weighs tokens of the rows (token-level loss); rows are unchanged",
    "instantiation.weighting.risk_sensitive":
        "how the trainer aggregates the per-row rewards; rows keep every score",
    "pipeline.iteration.test_time":
        "the pipeline runs on the test prompts themselves, given as the --prompts file",
    "instantiation.formats.user_conditioned":
        "rows keep the user or persona fields of the input prompts; a trainer conditions on them",
}


def stage(option: str, params: dict[str, Param] | None = None, *, rows: bool = False,
          per_record: bool = False, trace: bool = True, validate: Callable | None = None):
    """Register the decorated function as the implementation of ``option``.

    ``rows``: a format (returns rows, not records). ``per_record``: ``fn(record, config,
    ctx)`` applied to each record (its return value is ignored unless ``rows``).
    ``validate(settings)`` returns None or (key, message) for a problem that involves more
    than one parameter's type."""
    if option.count(".") != 2:
        raise ValueError(f"stage option {option!r}: expected group.dimension.option")

    def register(fn: Callable) -> StageFunction:
        if option in _REGISTRY.stages:
            raise ValueError(f"{option} is registered twice ({_REGISTRY.stages[option]!r})")
        registered = StageFunction(option, fn, dict(params or {}), rows=rows,
                                   per_record=per_record, trace=trace, validate=validate)
        functools.update_wrapper(registered, fn, updated=())
        _REGISTRY.stages[option] = registered
        return registered

    return register


def alias(option: str, target: str, why: str, **settings) -> None:
    """Declare that ``option`` runs the stage ``target`` with ``settings``."""
    _REGISTRY.aliases[option] = Alias(option, target, settings, why)


def setting(option: str, key: str | None, value, why: str,
            implemented_by: Callable | None = None) -> None:
    """Declare that ``option`` is ``key: value`` of every stage that declares ``key``."""
    _REGISTRY.settings[option] = Setting(option, key, value, why, implemented_by)


def load() -> _Registry:
    """Import every stage module once (through importlib, so it works from a wheel)."""
    if not _REGISTRY.loaded:
        import alignscape.stages as package

        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(info.name)
        _REGISTRY.loaded = True
    return _REGISTRY


def get(option: str) -> StageFunction:
    """The registered stage of ``option`` (KeyError, with a did-you-mean, when none)."""
    registry = load()
    if option not in registry.stages:
        close = hint(option, list(registry.stages))
        raise KeyError(f"no stage function is registered for {option}"
                       + (f"; {close}" if close else ""))
    return registry.stages[option]


def stages() -> dict[str, StageFunction]:
    return dict(load().stages)


def aliases() -> dict[str, Alias]:
    return dict(load().aliases)


def settings_options() -> dict[str, Setting]:
    return dict(load().settings)


def source_path(module: str) -> str:
    """Where a module's file sits in the repository: the package lives under tools/."""
    return "tools/" + module.replace(".", "/") + ".py"


def _location(fn) -> dict:
    fn = inspect.unwrap(fn)
    return {"module": fn.__module__, "source": source_path(fn.__module__),
            "line": fn.__code__.co_firstlineno, "function": fn.__qualname__}


def resolve(group: str, dimension: str, option: str) -> dict:
    """{"module", "source", "line", "function", "mapping"?} for an option, or
    {"descriptive": why}. Raises KeyError when the option has no implementation at all."""
    key = f"{group}.{dimension}.{option}"
    if key in DESCRIPTIVE:
        return {"descriptive": DESCRIPTIVE[key]}
    registry = load()
    if key in registry.stages:
        return _location(registry.stages[key])
    if key in registry.aliases:
        found = registry.aliases[key]
        return {**_location(registry.stages[found.target]), "mapping": found.why}
    if key in registry.settings:
        found = registry.settings[key]
        where = _location(found.implemented_by) if found.implemented_by else {}
        return {**where, "mapping": found.why}
    raise KeyError(f"no reference implementation for {key}")
