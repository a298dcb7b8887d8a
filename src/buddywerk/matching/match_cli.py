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
from typing import Protocol


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
) -> None:
    """Solve `instance` and write the result; a summary line goes to stdout (or stderr when
    the result itself goes to stdout)."""
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
        )
    except MatchError as error:
        # the same form as Django's CommandError
        sys.stderr.write(f"CommandError: {error}\n")
        return 1
    return 0
