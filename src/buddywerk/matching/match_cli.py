"""`buddywerk match`: solve a matching instance file, without Django.

The command needs no database and no settings, so `buddywerk` runs it without setting
Django up (cli.py): start-up is then Python, numpy, OR-tools and scipy only (issue 17,
point 5). `manage.py match` (the management command) calls the same code.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Protocol


class MatchError(Exception):
    """A problem the user can fix (a malformed instance, an unwritable file)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--instance", required=True, type=Path, help="instance file (JSON)")
    parser.add_argument("--out", type=Path, help="result file (JSON); default: stdout")
    parser.add_argument(
        "--pairs", type=Path, help="also write every feasible pair as CSV referral,buddy,score"
    )
    parser.add_argument(
        "--greedy",
        action="store_true",
        help="add the figures of a greedy first-come pass (referrals in file order)",
    )
    parser.add_argument(
        "--lang", choices=["nl", "en"], default="nl", help="language of the reasons"
    )
    parser.add_argument(
        "--by-region",
        action="store_true",
        help='solve each region (the records\' "region" field) on its own, one after the other',
    )


class Writer(Protocol):
    """A stream the summary and result go to: a file, or a management command's wrapper."""

    def write(self, msg: str, /) -> object: ...


HELP = (
    "Solve a matching instance file (JSON) exactly: the most referrals matched, then the "
    "highest total score. Writes the result as JSON (to --out, or standard output)."
)


def run(
    *,
    instance: Path | str,
    out: Path | str | None,
    pairs: Path | str | None,
    greedy: bool,
    lang: str,
    stdout: Writer,
    stderr: Writer,
    by_region: bool = False,
) -> None:
    """Solve `instance` and write the result; a summary line goes to stdout (or stderr when
    the result itself goes to stdout)."""
    if by_region:
        if greedy:
            raise MatchError("--greedy cannot be combined with --by-region")
        _run_by_region(
            instance=instance, out=out, pairs=pairs, lang=lang, stdout=stdout, stderr=stderr
        )
        return
    # numpy, OR-tools and scipy load here, not when the command line is parsed.
    from buddywerk.matching.engine import Texts
    from buddywerk.matching.instance import (
        InstanceError,
        load_instance,
        result_document,
        result_json,
        write_pairs,
    )

    started = time.perf_counter()
    try:
        loaded = load_instance(Path(instance))
    except InstanceError as error:
        raise MatchError(str(error)) from None
    texts = Texts(lang=lang)
    problem = loaded.problem()
    batch = problem.solve(texts)
    greedy_batch = problem.greedy(texts) if greedy else None
    document = result_document(batch, greedy_batch)
    out_path = Path(out) if out else None
    pairs_path = Path(pairs) if pairs else None
    try:
        if out_path is None:
            stdout.write(result_json(document))
        else:
            out_path.write_text(result_json(document), encoding="utf-8")
        if pairs_path is not None:
            with pairs_path.open("w", encoding="utf-8", newline="") as handle:
                write_pairs(problem, handle)
    except OSError as error:
        raise MatchError(f"cannot write {error.filename}: {error.strerror}") from None
    summary = (
        f"{batch.figures.matched} of {len(problem.referrals)} referrals matched, "
        f"total score {batch.figures.total_score}, {len(problem.pairs())} feasible pairs, "
        f"{time.perf_counter() - started:.2f} s"
    )
    # with the result on stdout, the summary goes to stderr so the JSON stays clean
    (stderr if out_path is None else stdout).write(summary + "\n")


def _run_by_region(
    *,
    instance: Path | str,
    out: Path | str | None,
    pairs: Path | str | None,
    lang: str,
    stdout: Writer,
    stderr: Writer,
) -> None:
    """Each region is an independent solve (as on one machine per region): its pairs are
    listed, solved and dropped before the next region is read, so the whole country's pairs
    are never in memory at once. One line per region: counts, seconds, peak memory so far."""
    import resource

    from buddywerk.matching.engine import Texts
    from buddywerk.matching.instance import (
        InstanceError,
        load_instance,
        result_document,
        result_json,
        write_pairs,
    )

    started = time.perf_counter()
    try:
        regions = load_instance(Path(instance)).by_region()
    except InstanceError as error:
        raise MatchError(str(error)) from None
    texts = Texts(lang=lang)
    out_path = Path(out) if out else None
    log = stderr if out_path is None else stdout
    document: dict[str, Any] = {"matched": 0, "total_score": 0, "assignments": [], "unmatched": []}
    summaries: list[dict[str, Any]] = []
    handle = None
    try:
        if pairs:
            handle = Path(pairs).open("w", encoding="utf-8", newline="")
        for index, (name, part) in enumerate(regions):
            region_started = time.perf_counter()
            problem = part.problem()
            batch = problem.solve(texts)
            n_pairs = len(problem.pairs())
            if handle is not None:
                write_pairs(problem, handle, header=index == 0)
            del problem  # this region's pairs go before the next region's are listed
            region_doc = result_document(batch)
            for key in ("matched", "total_score"):
                document[key] += region_doc[key]
            document["assignments"] += region_doc["assignments"]
            document["unmatched"] += region_doc["unmatched"]
            seconds = time.perf_counter() - region_started
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            summary = {
                "region": name,
                "referrals": len(part.referrals),
                "buddies": len(part.buddies),
                "pairs": n_pairs,
                "matched": batch.figures.matched,
                "total_score": batch.figures.total_score,
                "seconds": round(seconds, 3),
            }
            summaries.append(summary)
            log.write(
                f"region {name}: {summary['matched']} of {summary['referrals']} referrals "
                f"matched, {summary['buddies']} buddies, {n_pairs} feasible pairs, "
                f"{seconds:.2f} s, peak memory so far {peak_mb:.0f} MB\n"
            )
        document["assignments"].sort(key=lambda a: a["referral"])
        document["unmatched"].sort(key=lambda u: u["referral"])
        document["regions"] = summaries
        if out_path is None:
            stdout.write(result_json(document))
        else:
            out_path.write_text(result_json(document), encoding="utf-8")
    except OSError as error:
        raise MatchError(f"cannot write {error.filename}: {error.strerror}") from None
    finally:
        if handle is not None:
            handle.close()
    log.write(
        f"{document['matched']} of {sum(s['referrals'] for s in summaries)} referrals matched "
        f"in {len(summaries)} regions, total score {document['total_score']}, "
        f"{sum(s['pairs'] for s in summaries)} feasible pairs, "
        f"{time.perf_counter() - started:.2f} s\n"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="buddywerk match", description=HELP)
    add_arguments(parser)
    options = parser.parse_args(argv)
    try:
        run(
            instance=options.instance,
            out=options.out,
            pairs=options.pairs,
            greedy=options.greedy,
            lang=options.lang,
            stdout=sys.stdout,
            stderr=sys.stderr,
            by_region=options.by_region,
        )
    except MatchError as error:
        # the same form as Django's CommandError
        sys.stderr.write(f"CommandError: {error}\n")
        return 1
    return 0
