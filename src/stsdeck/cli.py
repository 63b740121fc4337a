"""Command line: arguments -> build()/check(); the only place errors become exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataError, StsdeckError


def parser() -> argparse.ArgumentParser:
    """The stsdeck argument parser, in French."""
    p = argparse.ArgumentParser(prog="stsdeck", description="Diaporama de congrès à partir des données d'études.")
    sub = p.add_subparsers(dest="command", required=True, metavar="commande")
    b = sub.add_parser("build", help="construire le PPTX et le PDF")
    b.add_argument("--data", type=Path, default=Path("data"), help="dossier de données (défaut : data/)")
    b.add_argument("--out", type=Path, default=Path("build"), help="dossier de sortie (défaut : build/)")
    b.add_argument("--format", choices=("pptx", "pdf", "all"), default="all", help="format(s) à produire")
    b.add_argument("--template", default=None, help="nom ou dossier du modèle (défaut : modèle intégré)")
    c = sub.add_parser("check", help="vérifier les données sans rien écrire")
    c.add_argument("--data", type=Path, default=Path("data"), help="dossier de données (défaut : data/)")
    for command in (b, c):
        command.add_argument("--strict", action="store_true", help="les avertissements deviennent des erreurs")
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
    from .themes import load_theme
    from .scaffold import new_template

    if args.action == "new":
        print(f"modèle créé : {new_template(args.name, args.source, Path.cwd())}")
        return 0
    theme = load_theme(args.name)
    print(f"modèle « {theme.name} » valide ({theme.folder})")
    return 0


def run(argv: list[str]) -> int:
    """Run the command in `argv`; return the exit code."""
    from .build import FORMATS, BuildConfig, build, check

    args = parser().parse_args(argv)
    try:
        if args.command == "template":
            return template_command(args)
        if args.command == "check":
            report = check(args.data, args.strict)
            print(f"Données valides : {report.studies} études.")
        else:
            formats = FORMATS if args.format == "all" else (args.format,)
            report = build(BuildConfig(args.data, args.out, formats, args.template, args.strict))
            for path in report.written:
                print(f"écrit : {path}")
        for warning in report.warnings:
            print(f"avertissement : {warning}", file=sys.stderr)
        return 0
    except DataError as exc:
        print(exc, file=sys.stderr)
        print(f"{len(exc.problems)} problème(s) ; rien n'a été écrit.", file=sys.stderr)
        return 1
    except StsdeckError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1


def main() -> None:
    """Console entry point."""
    sys.exit(run(sys.argv[1:]))
