"""Command line: arguments -> build()/check(); the only place errors become exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import DataError, Problem, StsdeckError

if TYPE_CHECKING:
    from .build import BuildConfig


def parser() -> argparse.ArgumentParser:
    """The stsdeck argument parser, in French."""
    p = argparse.ArgumentParser(prog="stsdeck", description="Diaporama de congrès à partir des données d'études.")
    sub = p.add_subparsers(dest="command", required=True, metavar="commande")
    b = sub.add_parser("build", help="construire le PPTX et le PDF")
    b.add_argument("--data", type=Path, default=Path("data"), help="dossier de données (défaut : data/)")
    b.add_argument("--out", type=Path, default=Path("build"), help="dossier de sortie (défaut : build/)")
    b.add_argument("--format", choices=("pptx", "pdf", "all"), default="all", help="format(s) à produire")
    b.add_argument("--template", default=None, help="nom ou dossier du modèle (défaut : modèle intégré)")
    b.add_argument("--quiet", action="store_true", help="n'afficher que les erreurs et avertissements")
    b.add_argument("--watch", action="store_true", help="reconstruire à chaque enregistrement d'un fichier")
    c = sub.add_parser("check", help="vérifier les données sans rien écrire")
    c.add_argument("--data", type=Path, default=Path("data"), help="dossier de données (défaut : data/)")
    for command in (b, c):
        command.add_argument("--strict", action="store_true", help="les avertissements deviennent des erreurs")
    imp = sub.add_parser("import", help="importer un tableur (.xlsx ou .csv) en fichiers YAML d'études")
    imp.add_argument("source", type=Path, help="tableur : une ligne par étude")
    imp.add_argument("--into", type=Path, default=Path("data"), help="dossier de données (défaut : data/)")
    imp.add_argument("--sep", default=None, help="séparateur CSV (défaut : détecté)")
    imp.add_argument("--encoding", default=None, help="encodage CSV (défaut : UTF-8 puis cp1252)")
    absent = imp.add_mutually_exclusive_group()
    absent.add_argument("--supprimer-absentes", dest="absent", action="store_const", const="supprimer",
                        help="supprimer les études absentes du tableur (défaut : refuser l'importation)")
    absent.add_argument("--garder-absentes", dest="absent", action="store_const", const="garder",
                        help="garder les études absentes du tableur")
    imp.set_defaults(absent="refuser")
    imp.add_argument("--simulation", action="store_true", help="afficher les changements sans rien écrire")
    exp = sub.add_parser("export", help="exporter les études en tableur (.xlsx ou .csv) pour les modifier")
    exp.add_argument("target", type=Path, help="fichier .xlsx ou .csv à écrire")
    exp.add_argument("--data", type=Path, default=Path("data"), help="dossier de données (défaut : data/)")
    t = sub.add_parser("template", help="créer ou vérifier un modèle d'établissement")
    tsub = t.add_subparsers(dest="action", required=True, metavar="action")
    new = tsub.add_parser("new", help="créer templates/NOM/ à partir d'un modèle existant")
    new.add_argument("name", help="nom du nouveau modèle")
    new.add_argument("--from", dest="source", default="default", help="modèle de départ (défaut : default)")
    tcheck = tsub.add_parser("check", help="vérifier un modèle (masque, dispositions, logo, polices, couleurs)")
    tcheck.add_argument("name", help="nom ou dossier du modèle")
    return p


def template_command(args: argparse.Namespace) -> int:
    """`stsdeck template new|check`."""
    from .render.sample import check_rendering
    from .scaffold import new_template
    from .themes import load_theme

    if args.action == "new":
        print(f"modèle créé : {new_template(args.name, args.source, Path.cwd())}")
        return 0
    theme = load_theme(args.name)
    check_rendering(theme)
    print(f"modèle « {theme.name} » valide ({theme.folder})")
    return 0


def run(argv: list[str]) -> int:
    """Run the command in `argv`; return the exit code."""
    from .build import FORMATS, BuildConfig

    args = parser().parse_args(argv)
    if args.command == "template":
        return reported(lambda: template_command(args))
    if args.command == "check":
        return reported(lambda: check_once(args.data, args.strict))
    if args.command in ("import", "export"):
        return reported(lambda: spreadsheet_command(args))
    formats = FORMATS if args.format == "all" else (args.format,)
    config = BuildConfig(args.data, args.out, formats, args.template, args.strict, args.quiet)
    if args.watch:
        from .watch import watch

        return watch(config, lambda: reported(lambda: build_once(config)))
    return reported(lambda: build_once(config))


def reported(action: Callable[[], int]) -> int:
    """Run `action`; stsdeck's errors are printed in French and become exit code 1."""
    try:
        return action()
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(f"{len(exc.problems)} problème(s) ; rien n'a été écrit.", file=sys.stderr)
    except StsdeckError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
    except Exception as exc:  # a bug of stsdeck: said plainly, without a traceback, and --watch goes on
        print(f"erreur interne de stsdeck (à signaler) : {type(exc).__name__} : {exc}", file=sys.stderr)
        return 2
    return 1


def _warn(warnings: tuple[Problem, ...]) -> None:
    for warning in warnings:
        if warning.acknowledged:
            print(f"avertissement reconnu ({warning.acknowledged}) : {warning}", file=sys.stderr)
        else:
            print(f"avertissement : {warning}", file=sys.stderr)


def spreadsheet_command(args: argparse.Namespace) -> int:
    """`stsdeck import` and `stsdeck export`."""
    from .spreadsheet import apply_import, describe, export_table, plan_import

    if args.command == "export":
        print(f"écrit : {export_table(args.data, args.target)}")
        return 0
    plan = plan_import(args.source, args.into, args.sep, args.encoding, args.absent)
    print("\n".join(describe(plan)))
    if args.simulation:
        print("simulation : rien n'a été écrit.")
        return 0
    written = apply_import(plan)
    print(f"{len(written)} étude(s) écrite(s), {len(plan.removed)} supprimée(s) dans {plan.folder}")
    return 0


def check_once(data: Path, strict: bool) -> int:
    """`stsdeck check`: validation and claim warnings, nothing written."""
    from .build import check

    report = check(data, strict)
    print(f"Données valides : {report.studies} études.")
    _warn(report.warnings)
    return 0


def build_once(config: "BuildConfig") -> int:
    """One build and its messages."""
    from .build import build

    report = build(config)
    _warn(report.warnings)
    if report.skipped:
        print("Rien à faire : aucune donnée ni aucun modèle n'a changé depuis la dernière construction.")
        return 0
    for path in report.written:
        print(f"écrit : {path}")
    print(report.summary)
    return 0


def main() -> None:
    """Console entry point."""
    sys.exit(run(sys.argv[1:]))
