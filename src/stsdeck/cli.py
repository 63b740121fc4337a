"""Command line: arguments -> build()/check(); the only place errors become exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import __version__
from .errors import DataError, Problem, StsdeckError
from .frenchargs import FrenchParser
from .notices import third_party_notices

if TYPE_CHECKING:
    from .build import BuildConfig
    from .themes import Theme


def parser() -> argparse.ArgumentParser:
    """The stsdeck argument parser, in French."""
    p = FrenchParser(prog="stsdeck", description="Diaporama de congrès à partir des données d'études.")
    p.add_argument("--version", action="version", version=f"stsdeck {__version__}",
                   help="afficher la version de stsdeck et quitter")
    sub = p.add_subparsers(dest="command", required=True, metavar="commande")
    project = sub.add_parser("new", help="créer le dossier d'une revue (données, modèles, CI, éditeur)")
    project.add_argument("folder", type=Path, metavar="DOSSIER", help="dossier à créer (nouveau ou vide)")
    project.add_argument("--example", action="store_true",
                         help="y copier la revue d'exemple complète (RT-CT des sarcomes) au lieu d'un squelette")
    project.add_argument("--stsdeck", dest="requirement", metavar="EXIGENCE", default=None,
                         help="d'où la CI du projet installe stsdeck (exigence pip : URL git, roue, nom==version ; "
                              "défaut : d'où vient ce stsdeck)")
    b = sub.add_parser("build", help="construire le PPTX et le PDF")
    b.add_argument("--data", type=Path, default=Path("data"), metavar="DOSSIER", help="dossier de données (défaut : data/)")
    b.add_argument("--out", type=Path, default=Path("build"), metavar="DOSSIER", help="dossier de sortie (défaut : build/)")
    b.add_argument("--format", choices=("pptx", "pdf", "all"), default="all", help="format(s) à produire")
    b.add_argument("--template", default=None, metavar="MODÈLE",
                   help="nom ou dossier du modèle (défaut : modèle intégré)")
    b.add_argument("--watch", action="store_true", help="reconstruire à chaque enregistrement d'un fichier")
    c = sub.add_parser("check", help="vérifier les données sans rien écrire")
    c.add_argument("--data", type=Path, default=Path("data"), metavar="DOSSIER", help="dossier de données (défaut : data/)")
    for command in (b, c):
        command.add_argument("--strict", action="store_true", help="les avertissements deviennent des erreurs")
        command.add_argument("--quiet", action="store_true", help="n'afficher que les erreurs et avertissements")
    imp = sub.add_parser("import", help="importer un tableur (.xlsx ou .csv) en fichiers YAML d'études")
    imp.add_argument("source", type=Path, metavar="TABLEUR", help="tableur : une ligne par étude")
    imp.add_argument("--into", type=Path, default=Path("data"), metavar="DOSSIER", help="dossier de données (défaut : data/)")
    imp.add_argument("--sep", default=None, metavar="SÉPARATEUR", help="séparateur CSV (défaut : détecté)")
    imp.add_argument("--encoding", default=None, metavar="ENCODAGE", help="encodage CSV (défaut : UTF-8 puis cp1252)")
    absent = imp.add_mutually_exclusive_group()
    absent.add_argument("--supprimer-absentes", dest="absent", action="store_const", const="supprimer",
                        help="supprimer les études absentes du tableur (défaut : refuser l'importation)")
    absent.add_argument("--garder-absentes", dest="absent", action="store_const", const="garder",
                        help="garder les études absentes du tableur")
    imp.set_defaults(absent="refuser")
    imp.add_argument("--simulation", action="store_true", help="afficher les changements sans rien écrire")
    exp = sub.add_parser("export", help="exporter les études en tableur (.xlsx ou .csv) pour les modifier")
    exp.add_argument("target", type=Path, metavar="TABLEUR", help="fichier .xlsx ou .csv à écrire")
    exp.add_argument("--data", type=Path, default=Path("data"), metavar="DOSSIER", help="dossier de données (défaut : data/)")
    t = sub.add_parser("template", help="créer ou vérifier un modèle d'établissement")
    tsub = t.add_subparsers(dest="action", required=True, metavar="action")
    new = tsub.add_parser("new", help="créer templates/NOM/ à partir d'un modèle existant ou d'un masque")
    new.add_argument("name", metavar="NOM", help="nom du nouveau modèle")
    origin = new.add_mutually_exclusive_group()
    origin.add_argument("--from", dest="source", default="default", metavar="MODÈLE",
                        help="modèle de départ (défaut : default)")
    origin.add_argument("--from-master", dest="master", type=Path, default=None, metavar="MASQUE",
                        help="masque PowerPoint de l'établissement (.pptx ou .potx) dont tirer le modèle")
    tcheck = tsub.add_parser("check", help="vérifier un modèle (masque, dispositions, logo, polices, couleurs)")
    tcheck.add_argument("name", metavar="MODÈLE", help="nom ou dossier du modèle")
    tcheck.add_argument("--backgrounds", action="store_true",
                        help="refaire les arrière-plans PDF des dispositions du masque (LibreOffice)")
    return p


def template_command(args: argparse.Namespace) -> int:
    """`stsdeck template new|check`."""
    from .render.sample import check_rendering
    from .scaffold import new_template
    from .themes import load_theme

    if args.action == "new" and args.master is not None:
        from .masters.template import template_from_master

        folder, notes = template_from_master(args.name, args.master, Path.cwd())
        print("\n".join([*notes, f"modèle créé : {folder}"]))
        return 0
    if args.action == "new":
        print(f"modèle créé : {new_template(args.name, args.source, Path.cwd())}")
        return 0
    theme = load_theme(args.name)
    lines = master_check(theme, args.name, args.backgrounds)
    check_rendering(theme)
    print("\n".join([*lines, f"modèle « {theme.name} » valide ({theme.folder})"]))
    return 0


def master_check(theme: "Theme", name: str, refresh: bool) -> list[str]:
    """`template check`'s lines on the master: what it held that no deck gets, and its layouts' PDF
    backgrounds (refreshed first with `refresh`); TemplateError when they are missing or stale."""
    from .errors import TemplateError
    from .masters.check import background_report, dropped_lines

    master = theme.file("master")
    if master is None:
        return []
    lines, problems = background_report(master, theme.settings["layouts"], theme.folders, name, refresh)
    if problems:
        print("\n".join(dropped_lines(master)))
        raise TemplateError(f"modèle « {theme.name} » ({theme.folder}) :\n" + "\n".join(f"  - {p}" for p in problems))
    return dropped_lines(master) + lines


def run(argv: list[str]) -> int:
    """Run the command in `argv`; return the exit code. Third-party warnings become French notices."""
    args = parser().parse_args(argv)
    with third_party_notices():
        return COMMANDS[args.command](args)


def build_command(args: argparse.Namespace) -> int:
    """`stsdeck build`, once or at every change with --watch."""
    from .build import FORMATS, BuildConfig

    formats = FORMATS if args.format == "all" else (args.format,)
    config = BuildConfig(args.data, args.out, formats, args.template, args.strict, args.quiet)
    if args.watch:
        from .watch import watch

        return reported(lambda: watch(config, lambda: reported(lambda: build_once(config))))
    return reported(lambda: build_once(config))


def new_command(args: argparse.Namespace) -> int:
    """`stsdeck new DOSSIER`: a review project."""
    from .project import Requirement, installed_requirement, new_project

    requirement = Requirement(args.requirement) if args.requirement else installed_requirement()
    written = new_project(args.folder, args.example, requirement.text)
    print(f"projet créé : {args.folder} ({len(written)} fichiers)")
    if not requirement.reachable:
        print("avertissement : ce stsdeck vient d'un dossier ou d'une roue de cette machine, que la CI du projet "
              f"ne peut pas installer : indiquez d'où l'installer dans {args.folder / 'requirements.txt'} "
              "(voir son README.md) ou relancez avec --stsdeck", file=sys.stderr)
    print(f"ensuite : cd {args.folder} && stsdeck build")
    return 0


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


def check_once(data: Path, strict: bool, quiet: bool = False) -> int:
    """`stsdeck check`: validation and claim warnings, nothing written."""
    from .build import check

    report = check(data, strict)
    if not quiet:
        print(f"Données valides : {report.studies} {'étude' if report.studies == 1 else 'études'}.")
    _warn(report.warnings)
    return 0


def build_once(config: "BuildConfig") -> int:
    """One build and its messages."""
    from .build import build

    report = build(config)
    _warn(report.warnings)
    if config.quiet:
        return 0
    if report.skipped:
        print("Rien à faire : aucune donnée ni aucun modèle n'a changé depuis la dernière construction.")
        return 0
    for path in report.written:
        print(f"écrit : {path}")
    print(report.summary)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "new": lambda args: reported(lambda: new_command(args)),
    "build": build_command,
    "check": lambda args: reported(lambda: check_once(args.data, args.strict, args.quiet)),
    "import": lambda args: reported(lambda: spreadsheet_command(args)),
    "export": lambda args: reported(lambda: spreadsheet_command(args)),
    "template": lambda args: reported(lambda: template_command(args)),
}


def main() -> None:
    """Console entry point."""
    sys.exit(run(sys.argv[1:]))
