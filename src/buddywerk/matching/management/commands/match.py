"""`buddywerk match --instance FILE.json [--out RESULT.json] [--pairs PAIRS.csv]`.

Runs the matching engine on a JSON instance file, without a database: no system checks, no
migration check, no model access. The format is in docs/matching.md.
"""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buddywerk.matching.engine import Texts
from buddywerk.matching.instance import (
    InstanceError,
    load_instance,
    result_document,
    result_json,
    write_pairs,
)


class Command(BaseCommand):
    help = (
        "Solve a matching instance file (JSON) exactly: the most referrals matched, then the "
        "highest total score. Writes the result as JSON (to --out, or standard output)."
    )
    # The command works on a file only: it must run where no database exists.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
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

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            instance = load_instance(options["instance"])
        except InstanceError as error:
            raise CommandError(str(error)) from None
        texts = Texts(lang=options["lang"])
        problem = instance.problem()
        batch = problem.solve(texts)
        greedy = problem.greedy(texts) if options["greedy"] else None
        document = result_document(batch, greedy)
        # call_command() hands over strings as given: convert here, not only in argparse
        out_path = Path(options["out"]) if options["out"] else None
        pairs_path = Path(options["pairs"]) if options["pairs"] else None
        try:
            if out_path is None:
                self.stdout.write(result_json(document), ending="")
            else:
                out_path.write_text(result_json(document), encoding="utf-8")
            if pairs_path is not None:
                with pairs_path.open("w", encoding="utf-8", newline="") as out:
                    write_pairs(problem, out)
        except OSError as error:
            raise CommandError(f"cannot write {error.filename}: {error.strerror}") from None
        summary = (
            f"{batch.figures.matched} of {len(problem.referrals)} referrals matched, "
            f"total score {batch.figures.total_score}, {len(problem.pairs())} feasible pairs, "
            f"{time.perf_counter() - started:.2f} s"
        )
        # with the result on stdout, the summary goes to stderr so the JSON stays clean
        (self.stderr if out_path is None else self.stdout).write(summary)
