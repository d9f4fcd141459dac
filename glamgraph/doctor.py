"""``glamgraph doctor``: check that an engine answers every shipped query, at the sizes a run sends.

For each endpoint, every shipped endpoint query (``queries/*.rq``) runs once at a small size
(one or two values) and once at a production size (the batch sizes :mod:`glamgraph.harvest`
sends to that kind of engine), with the cache and the fallback off, so the table speaks of that
endpoint alone. Each answer is checked for its shape (the variables the query's ``# returns:``
header names) and, where one is known, for a known answer:

- the English label of Nigeria (``Q1033``) is ``Nigeria``, by ``region-info``, ``labels`` and
  ``names-to-items``;
- the subclass closure of museum (``Q33506``) holds art museum (``Q207694``);
- Europe (``Q46``) has more than 40 current countries, each with a label.

The known answers are a :class:`KnownAnswers` (the test suite passes its test world's). Values
for the production sizes come from the earlier answers (the closure's classes, the institutions
found, their ``P131`` targets), so a failed step can leave a later one ``skip``.

The result is a :class:`DoctorReport` whose :meth:`~DoctorReport.table` is meant to be pasted
into a bug report: endpoint, query, size, values, rows, seconds, verdict.

Example:
    >>> # the shipped sample: Africa's countries, and no subclass tree below the GLAM roots
    >>> sample = KnownAnswers(continent="Q15", min_countries=5, closure_member=vocab.MUSEUM)
    >>> report = doctor(["snapshot"], sample)
    >>> report.ok, {c.query for c in report.checks} >= {"labels", "class-closure"}
    (True, True)
    >>> print(report.table().splitlines()[0])  # doctest: +NORMALIZE_WHITESPACE
    endpoint  query  size  values  rows  seconds  verdict
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from glamgraph import harvest, ids, queries, querylint, regions, vocab
from glamgraph.errors import BadInput, GlamgraphError
from glamgraph.sparql import Engine, QueryResult, Settings, get_engine, term_qid, term_value

__all__ = ["Check", "DoctorReport", "KnownAnswers", "doctor", "known_answers_from"]

#: The endpoints checked when none is given.
DEFAULT_ENDPOINTS: tuple[str, ...] = ("wdqs", "qlever")


@dataclass(frozen=True)
class KnownAnswers:
    """Facts the checked engine must give back (Wikidata's by default).

    Attributes:
        country: a current country with a label in ``lang``; also used as the country of the
            one-country queries (subdivisions, borders, institutions of a country).
        country_label: its label in ``lang``.
        lang: the language of that label.
        closure_root: a GLAM class whose subclass closure must hold ``closure_member``.
        closure_member: a subclass (at any depth) of ``closure_root``.
        continent: a continent with more than ``min_countries`` current countries.
        min_countries: the number of countries ``continent`` must exceed.
    """

    country: str = vocab.NIGERIA
    country_label: str = "Nigeria"
    lang: str = "en"
    closure_root: str = vocab.MUSEUM
    closure_member: str = vocab.ART_MUSEUM
    continent: str = vocab.EUROPE
    min_countries: int = 40

    def __post_init__(self) -> None:
        for name in ("country", "closure_root", "closure_member", "continent"):
            ids.check_qid(getattr(self, name), f"known answer {name}")
        ids.check_lang(self.lang)
        if self.min_countries < 0:
            raise BadInput(f"known answer min_countries: must be 0 or more: {self.min_countries}")


def known_answers_from(pairs: Mapping[str, str], base: KnownAnswers | None = None) -> KnownAnswers:
    """A :class:`KnownAnswers` with some fields replaced (``KEY=VALUE`` pairs from the CLI).

    >>> known_answers_from({"country": "Q142", "country_label": "France"}).country_label
    'France'
    >>> known_answers_from({"colour": "red"})
    Traceback (most recent call last):
    ...
    glamgraph.errors.BadInput: unknown known answer 'colour' (known: country, country_label, lang, closure_root, closure_member, continent, min_countries)
    """
    names = [f.name for f in fields(KnownAnswers)]
    changes: dict[str, Any] = {}
    for key, value in pairs.items():
        if key not in names:
            raise BadInput(f"unknown known answer {key!r} (known: {', '.join(names)})")
        if key == "min_countries":
            if not value.strip().isdigit():
                raise BadInput(f"known answer min_countries: not a whole number: {value!r}")
            changes[key] = int(value)
        else:
            changes[key] = value.strip()
    return replace(base or KnownAnswers(), **changes)


@dataclass(frozen=True)
class Check:
    """One query run once on one endpoint, and what came of it."""

    endpoint: str
    query: str
    size: str  # "small", "production" or "one" (a query without a list parameter)
    values: int
    rows: int
    seconds: float
    verdict: str  # "ok", "FAIL" or "skip"
    detail: str = ""

    @property
    def failed(self) -> bool:
        """Whether this check failed."""
        return self.verdict == "FAIL"


@dataclass
class DoctorReport:
    """Every check on every endpoint, and the lint's findings over the shipped queries."""

    checks: list[Check] = field(default_factory=list)
    lint: list[querylint.Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No check failed (skips and lint findings do not fail a report)."""
        return not any(c.failed for c in self.checks)

    def table(self) -> str:
        """The checks as an aligned text table, one line per check, failures explained below."""
        head = ("endpoint", "query", "size", "values", "rows", "seconds", "verdict")
        rows = [
            (
                c.endpoint,
                c.query,
                c.size,
                str(c.values),
                str(c.rows),
                f"{c.seconds:.2f}",
                c.verdict if c.verdict == "ok" else f"{c.verdict}: {c.detail}",
            )
            for c in self.checks
        ]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head[:-1])]
        lines = []
        for r in (head, *rows):
            cells = [cell.ljust(w) for cell, w in zip(r[:-1], widths, strict=True)]
            lines.append("  ".join([*cells, r[-1]]).rstrip())
        failed = sum(c.failed for c in self.checks)
        skipped = sum(c.verdict == "skip" for c in self.checks)
        lines.append(
            f"{len(self.checks)} checks: {len(self.checks) - failed - skipped} ok, "
            f"{failed} failed, {skipped} skipped"
        )
        lines.extend(f"lint: {f}" for f in self.lint)
        return "\n".join(lines)


def _returns(query: queries.Query) -> set[str]:
    """The variables a query's ``# returns:`` header names (before any parenthesis)."""
    head = query.returns.split("(")[0]
    return {tok[1:] for tok in head.split() if tok.startswith("?")}


class _Run:
    """The checks of one endpoint, with what earlier answers taught (classes, items...)."""

    def __init__(self, engine: Engine, known: KnownAnswers, on_check: Callable[[Check], None]):
        self.engine = engine
        self.known = known
        self.on_check = on_check
        self.checks: list[Check] = []

    def run(
        self,
        name: str,
        size: str,
        params: Mapping[str, object],
        verify: Callable[[QueryResult], str | None] = lambda _res: None,
    ) -> QueryResult | None:
        """Run ``name`` once with ``params``; record a Check; the result when it answered."""
        values = max(
            (len(v) for v in params.values() if isinstance(v, list | tuple)),
            default=1,
        )
        query = queries.load(name)
        if not self.engine.supports(query):
            self.skip(name, size, f"not meant for a {self.engine.kind} engine (# engines: header)")
            return None
        t0 = time.perf_counter()
        res: QueryResult | None = None
        try:
            res = self.engine.run(query, use_cache=False, **params)
        except GlamgraphError as exc:
            detail = " ".join(str(exc).split())[:300]
            self._add(name, size, values, 0, time.perf_counter() - t0, "FAIL", detail)
            return None
        seconds = time.perf_counter() - t0
        want = _returns(query)
        problem = None
        if want and set(res.vars) != want:
            problem = f"columns {sorted(res.vars)}, expected {sorted(want)}"
        else:
            problem = verify(res)
        self._add(name, size, values, len(res), seconds, "FAIL" if problem else "ok", problem or "")
        return res

    def skip(self, name: str, size: str, why: str) -> None:
        self._add(name, size, 0, 0, 0.0, "skip", why)

    def _add(self, *args: Any) -> None:
        check = Check(self.engine.name, *args)
        self.checks.append(check)
        self.on_check(check)


def _label_of(res: QueryResult, var: str, qid: str, label_var: str = "label") -> str | None:
    for row in res.rows:
        if term_qid(row, var) == qid:
            return term_value(row, label_var)
    return None


def _check_endpoint(run: _Run) -> None:
    """Every shipped endpoint query, small then production size, values from earlier answers."""
    k = run.known
    eng = run.engine

    def expect_label(var: str) -> Callable[[QueryResult], str | None]:
        def verify(res: QueryResult) -> str | None:
            got = _label_of(res, var, k.country)
            if got != k.country_label:
                return f"label of {k.country} is {got!r}, expected {k.country_label!r}"
            return None

        return verify

    def all_labelled(var: str) -> Callable[[QueryResult], str | None]:
        def verify(res: QueryResult) -> str | None:
            bare = sorted({q for r in res.rows if (q := term_qid(r, var)) and "label" not in r})
            if bare:
                return f"{len(bare)} row(s) without a label (first {bare[0]})"
            return None

        return verify

    # regions: countries of the continent (one size), their labels and borders
    def enough_countries(res: QueryResult) -> str | None:
        n = len(set(res.qids("country")))
        if n <= k.min_countries:
            return f"{n} countries in {k.continent}, expected more than {k.min_countries}"
        return all_labelled("country")(res)

    res = run.run(
        "countries-of-continent",
        "one",
        {"continent": k.continent},
        enough_countries,
    )
    countries = sorted(set(res.qids("country")), key=ids.qid_number) if res else []
    run.run("historical-countries-of-continent", "one", {"continent": k.continent})
    # the region queries label in English themselves (else mul); other languages: labels.rq
    own_label = k.lang == regions.QUERY_LABEL_LANG
    info = run.run(
        "region-info",
        "small",
        {"items": [k.country]},
        expect_label("item") if own_label else lambda _r: None,
    )
    if countries:
        run.run(
            "region-info",
            "production",
            {"items": countries},
            all_labelled("item"),
        )
    else:
        run.skip("region-info", "production", "no countries from countries-of-continent")
    run.run(
        "subdivisions-of-country",
        "one",
        {"country": k.country},
        all_labelled("unit"),
    )
    run.run("borders", "small", {"region": [k.country]})
    if countries:
        run.run(
            "borders",
            "production",
            {"region": countries},
            lambda r: None if len(r) else "no borders between the continent's countries",
        )
    else:
        run.skip("borders", "production", "no countries from countries-of-continent")
    iso = (
        next((term_value(r, "iso") for r in info.rows if term_value(r, "iso")), None)
        if info
        else None
    )
    if iso:
        run.run(
            "region-by-iso",
            "one",
            {"code": iso},
            lambda r: None if k.country in r.qids("item") else f"{iso} does not give {k.country}",
        )
    else:
        run.skip("region-by-iso", "one", f"no ISO code of {k.country} from region-info")

    # labels and names
    run.run(
        "labels",
        "small",
        {"item": [k.country], "langs": [k.lang]},
        lambda r: (
            None
            if any(term_value(row, "label") == k.country_label for row in r.rows)
            else f"no label {k.country_label!r} for {k.country}"
        ),
    )
    run.run(
        "names-to-items",
        "small",
        {"names": [k.country_label]},
        lambda r: (
            None
            if k.country in r.qids("item")
            else f"{k.country_label!r} does not give {k.country}"
        ),
    )
    names: list[str] = []
    if countries:
        lab = run.run(
            "labels",
            "production",
            {"item": countries[: harvest.DETAIL_BATCH], "langs": [k.lang, "mul"]},
            lambda r: None if len(r) else "no labels",
        )
        names = sorted({v for row in lab.rows if (v := term_value(row, "label"))}) if lab else []
    if names:
        run.run("names-to-items", "production", {"names": names})
    else:
        run.skip("names-to-items", "production", "no country labels from labels")
    run.run("affiliates-on-wikidata", "one", {"classlabels": list(vocab.AFFILIATE_CLASS_LABELS)})

    # classes and institutions
    def holds_member(res: QueryResult) -> str | None:
        if k.closure_member not in res.qids("class"):
            return f"the closure of {k.closure_root} lacks {k.closure_member}"
        return None

    run.run("class-closure", "small", {"root": [k.closure_root]}, holds_member)
    roots = [*vocab.DEFAULT_GLAM_ROOTS, *vocab.DEFAULT_LOOKALIKES]
    closure = run.run("class-closure", "production", {"root": roots}, holds_member)
    glam: list[str] = []
    if closure is not None:  # the GLAM classes as the harvest resolves them (look-alikes out)
        under: dict[str, set[str]] = {}
        for row in closure.rows:
            if (c := term_qid(row, "class")) and (r := term_qid(row, "root")):
                under.setdefault(c, set()).add(r)
        looks = set(vocab.DEFAULT_LOOKALIKES)
        glam = sorted(
            (c for c, rs in under.items() if rs - looks and not rs & looks), key=ids.qid_number
        )
    batches = harvest.class_batches(glam, eng, vocab.DEFAULT_GLAM_ROOTS) if glam else []
    # the production batch: the largest the harvest sends (WDQS: the first one after the roots)
    batch = max(batches, key=len, default=[])
    small = [k.closure_member]
    items: list[str] = []
    admins: list[str] = []
    # both forms of the institutions query (one is skipped where its # engines: header says)
    institutions = ("institutions-of-classes", "institutions-of-classes-bulk")
    for size, classes in (("small", small), ("production", batch)):
        if not classes:
            for name in institutions:
                run.skip(name, size, "no classes from class-closure")
            run.skip("institutions-by-class-and-country", size, "no classes from class-closure")
            run.skip("institutions-without-country", size, "no classes from class-closure")
            continue
        for name in institutions:
            res = run.run(name, size, {"class": classes})
            if res is not None:
                items = sorted(set(res.qids("item")) | set(items), key=ids.qid_number)
                admins = sorted(set(res.qids("admin")) | set(admins), key=ids.qid_number)
        run.run(
            "institutions-by-class-and-country",
            size,
            {"class": classes, "country": [k.country]},
        )
        run.run("institutions-without-country", size, {"class": classes})

    # details and chains
    for name, key, pool, batch_size in (
        ("institution-details", "item", items, harvest.DETAIL_BATCH),
        ("institution-contacts", "item", items, harvest.DETAIL_BATCH),
        ("institution-contacts-bulk", "item", items, harvest.DETAIL_BATCH),
        ("admin-parents", "admin", admins or countries, harvest.ADMIN_BATCH),
    ):
        if not pool:
            run.skip(name, "small", "no values from the institutions query")
            run.skip(name, "production", "no values from the institutions query")
            continue
        run.run(name, "small", {key: pool[:1]})
        run.run(name, "production", {key: pool[:batch_size]})

    # the query publish --listeria writes into a ListeriaBot list: one region in one query
    lookalikes = list(vocab.DEFAULT_LOOKALIKES)
    for size, roots in (
        ("small", [k.closure_root]),
        ("production", list(vocab.DEFAULT_GLAM_ROOTS)),
    ):
        run.run(
            "listeria-institutions-of-region",
            size,
            {"region": k.country, "root": roots, "lookalike": lookalikes},
        )


def doctor(
    endpoints: Sequence[str | Engine] = DEFAULT_ENDPOINTS,
    known: KnownAnswers | None = None,
    *,
    settings: Settings | None = None,
    on_check: Callable[[Check], None] | None = None,
) -> DoctorReport:
    """Run every shipped endpoint query on each endpoint at a small and a production size.

    Args:
        endpoints: engine names (``wdqs``, ``qlever``, ``snapshot``), endpoint URLs or engines.
            Names and URLs get an engine without cache and without fallback.
        known: the known answers to check (default: Wikidata's).
        settings: the engines' settings (``use_cache`` is forced off).
        on_check: called with each :class:`Check` as it completes (progress output).

    Raises:
        BadInput: an unknown endpoint name or a malformed URL (before any request).

    Example:
        >>> sample = KnownAnswers(continent="Q15", min_countries=5, closure_member=vocab.MUSEUM)
        >>> r = doctor(["snapshot"], sample)
        >>> [c.verdict for c in r.checks if c.query == "class-closure"]
        ['ok', 'ok']
    """
    known = known or KnownAnswers()
    base = replace(settings or Settings(), use_cache=False)
    engines = [e if isinstance(e, Engine) else get_engine(e, base, fallback=[]) for e in endpoints]
    report = DoctorReport(lint=querylint.lint_shipped())
    for eng in engines:
        run = _Run(eng, known, on_check or (lambda _c: None))
        _check_endpoint(run)
        report.checks.extend(run.checks)
    return report
