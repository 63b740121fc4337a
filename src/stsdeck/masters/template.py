"""`stsdeck template new NAME --from-master FILE`: a complete template folder from an institution's
master — the master cleaned, every layout listed, each role on its best layout, boxes from the
placeholders, colours and fonts from the master's theme, the PDF backgrounds rendered."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..errors import TemplateError
from ..resources import BUILTIN
from .backgrounds import render_backgrounds
from .inspect import DECK_COLORS, Layout, MasterInfo, Rect, Scheme
from .layouts import FURNITURE, TITLES, content_box
from .layouts import BODIES, SUBTITLES, best_layouts, written_name
from .source import clean_master, master_info

EMU_PER_INCH = 914400
REFERENCE = (12192000, 6858000)  # the default template's slide, on which its fixed sizes are drawn
MASTER_FILE = "master.pptx"
FONTS = {  # the master's font (lower case) -> PPTX family, PDF family, built-in folder, files
    name: ("Calibri", "Carlito", "clinique", ("Carlito-Regular.ttf", "Carlito-Bold.ttf"))
    for name in ("calibri", "calibri light", "carlito")}
KNOWN = {"arial", "helvetica", "liberation sans", "arimo"}  # the default's Arial / Liberation Sans
PLACEHOLDERS = {"title": "titre", "ctrTitle": "titre centré", "subTitle": "sous-titre", "body": "corps",
                "obj": "contenu", "dt": "date", "ftr": "pied de page", "sldNum": "numéro", "hdr": "en-tête",
                "pic": "image", "tbl": "tableau", "chart": "graphique", "dgm": "diagramme", "media": "média",
                "clipArt": "image", "sldImg": "image de diapositive"}
ROLES = {"title": "diapositive de titre : titre + sous-titre",
         "text": "texte (contexte, synthèses, conclusion…) : titre + corps",
         "table": "tableaux d'études : titre seul", "chart": "graphiques : titre seul"}
SLOTS = {"accent1": "accent 1", "accent2": "accent 2", "dk1": "foncé 1", "dk2": "foncé 2", "lt1": "clair 1",
         "lt2": "clair 2"}
COLOR_USES = {"primary": "titres", "accent": "accent", "text": "texte", "muted": "pied de page, métadonnées",
              "background": "fond", "header_fill": "fond des en-têtes de tableau",
              "header_text": "texte des en-têtes de tableau", "band_fill": "lignes alternées, encadré de synthèse",
              "rule": "filets des tableaux (entre texte et fond)"}
SYNTHESIS = (0.607, 0.633)  # share of the content width: bullets end, panel starts (as the default)


def template_from_master(name: str, master: Path, project: Path) -> tuple[Path, list[str]]:
    """Write `project`/templates/`name`/ from `master`; returns the folder and what to tell the user
    (what the master held that was left out, backgrounds rendered or why not)."""
    from ..scaffold import new_folder
    from ..themes import THEME_FILE

    target = new_folder(name, project)
    clean = clean_master(master)  # refused masters stop here, before anything is written
    info = master_info(master)
    roles = best_layouts(info)
    target.mkdir(parents=True)
    (target / MASTER_FILE).write_bytes(clean.data)
    fonts = _fonts(info.scheme(roles["text"]), target)
    (target / THEME_FILE).write_text(theme_yaml(name, master.name, info, roles, fonts), encoding="utf-8")
    notes = [f"masque nettoyé, laissé de côté : {line}" for line in clean.dropped]
    digest = hashlib.sha256(clean.data).hexdigest()
    try:
        pictures = render_backgrounds(target, clean.data, digest, list(roles.values()))
        notes.append(f"arrière-plans PDF rendus : {len(pictures)} disposition(s)")
    except TemplateError as exc:
        notes.append(str(exc))
    return target, notes


def _fonts(scheme: Scheme, target: Path) -> list[str]:
    """theme.yaml's fonts section for the theme's body font (its files copied in), or a comment
    saying the default's are kept."""
    font = scheme.minor_font or scheme.major_font
    known = FONTS.get(font.lower())
    if known is None:
        default = "# Polices : celles du modèle par défaut, Arial (PPTX) et Liberation Sans (mesure et PDF)"
        if not font or font.lower() in KNOWN:
            return [default + (f", comme le thème du masque (« {font} »)." if font else ".")]
        return [default + f" : la police du masque, « {font} », n'a pas", "# d'équivalent métrique livré avec "
                "stsdeck. Pour la garder, mettre ses fichiers .ttf dans fonts/ et les nommer ici (fonts.files)."]
    family, pdf_family, folder, files = known
    (target / "fonts").mkdir()
    for file in (*files, "README.md"):
        shutil.copyfile(BUILTIN / folder / "fonts" / file, target / "fonts" / file)
    return [f"fonts:                          # police du thème du masque « {font} »",
            f"  pptx_family: {_q(family)}",
            f"  pdf_family: {_q(pdf_family)}         # équivalent métrique embarqué dans le PDF",
            "  files:",
            f"    regular: {_q('fonts/' + files[0])}",
            f"    bold: {_q('fonts/' + files[1])}"]


def theme_yaml(name: str, source: str, info: MasterInfo, roles: dict[str, Layout], fonts: list[str]) -> str:
    """The theme file of a template made from a master."""
    width, height = (v / EMU_PER_INCH for v in (info.width, info.height))
    lines = [f"# Modèle « {name} », créé par « stsdeck template new » à partir du masque « {source} ».",
             "# Géométrie en pouces sur la diapositive du masque ; tailles de texte en points (celles du",
             "# modèle par défaut). « stsdeck template check » vérifie le modèle et refait ses arrière-plans.",
             f"name: {name}", "extends: default",
             f"master: {_q(MASTER_FILE)}            # le masque, nettoyé : seuls masques, dispositions, thèmes "
             "et images",
             f"slide_in: [{width:.6f}, {height:.6f}]   # taille des diapositives du masque "
             f"({_cm(info.width)} × {_cm(info.height)} cm)",
             *fonts, *_colors(info.scheme(roles["text"])), *_boxes(info, roles),
             "layouts:                        # disposition du masque de chaque sorte de diapositive",
             *(f"  {role}: {_q(written_name(info, layout))}  # {ROLES[role]}" for role, layout in roles.items()),
             "master_layouts:                 # toutes les dispositions du masque et leurs espaces réservés",
             *(f"  {_q(written_name(info, layout))}: [{', '.join(_placeholders(layout))}]  # {_comment(layout, roles)}"
               for layout in info.layouts)]
    return "\n".join(lines) + "\n"


def _colors(scheme: Scheme) -> list[str]:
    colors = scheme.deck_colors()
    slots = {key: SLOTS.get(slot, slot) for key, slot in DECK_COLORS.items()}
    lines = ["# Couleurs : celles du thème du masque, appliquées d'office (le PPTX garde ce thème). Pour en",
             "# changer une, décommenter « colors: » et sa ligne :", "# colors:"]
    return lines + [f"#   {key}: {_q(color)}  # {COLOR_USES[key]} ({slots.get(key, 'calculée')})"
                    for key, color in colors.items()]


def _boxes(info: MasterInfo, roles: dict[str, Layout]) -> list[str]:
    text, cover = roles["text"], roles["title"]
    content = content_box(text, info)
    title = text.box(*TITLES) or (content[0], info.height // 20, content[2], info.height // 8)
    cover_title = cover.box(*TITLES) or title
    meta = cover.box(*SUBTITLES, *BODIES) or content
    bullets = (content[0], content[1], round(content[2] * SYNTHESIS[0]), content[3])
    panel_x = content[0] + round(content[2] * SYNTHESIS[1])
    panel = (panel_x, content[1], content[0] + content[2] - panel_x, content[3])
    scale = info.width / REFERENCE[0]
    logo_w, logo_h = round(1.28 * EMU_PER_INCH * scale), round(0.6 * EMU_PER_INCH * scale)
    logo = (title[0] + title[2] - logo_w, title[1], logo_w, logo_h)
    where = {"text": written_name(info, text), "cover": written_name(info, cover)}
    return ["boxes:                          # zones, prises des espaces réservés du masque",
            f"  title: {_inches(title)}  # titre de « {where['text']} »",
            f"  content: {_inches(content)}  # tableaux, textes et graphiques : corps de « {where['text']} »",
            f"  cover_title: {_inches(cover_title)}  # titre de « {where['cover']} »",
            f"  cover_meta: {_inches(meta)}  # sous-titre de « {where['cover']} » (auteurs, lieu, date)",
            f"  footer: {_inches(_footer(info, text, content))}  # pied de page et numéro",
            f"  synthesis_bullets: {_inches(bullets)}  # synthèse : points, à gauche de la zone de contenu",
            f"  synthesis_panel: {_inches(panel)}  # synthèse : encadré des chiffres calculés, à droite",
            f"  logo: {_inches(logo)}  # logo (s'il y en a un : « logo: fichier.png »), en haut à droite"]


def _footer(info: MasterInfo, layout: Layout, content: Rect) -> Rect:
    """The layout's footer placeholders together, else a strip under the content clear of artwork."""
    boxes = [p.box for p in layout.placeholders if p.kind in FURNITURE and p.box and p.box[3] > 0]
    if boxes:
        x, y = min(b[0] for b in boxes), min(b[1] for b in boxes)
        return x, y, max(b[0] + b[2] for b in boxes) - x, max(b[1] + b[3] for b in boxes) - y
    height, gap = round(info.height * 0.04), info.height // 100
    top = content[1] + content[3]
    below = [a[1] for a in layout.artwork if a[1] > top and a[0] < content[0] + content[2] and a[0] + a[2] > content[0]]
    bottom = min(below, default=info.height - gap) - gap
    return content[0], max(bottom - height, top), content[2], height


def _placeholders(layout: Layout) -> list[str]:
    return [PLACEHOLDERS.get(p.kind, p.kind) for p in layout.placeholders] or ["aucun espace réservé"]


def _comment(layout: Layout, roles: dict[str, Layout]) -> str:
    used = [ROLES[role].split(" :")[0] for role, chosen in roles.items() if chosen is layout]
    return f"utilisée : {', '.join(used)}" if used else f"non utilisée (type PowerPoint « {layout.type} »)"


def _inches(rect: Rect) -> str:
    return "[" + ", ".join(f"{v / EMU_PER_INCH:.3f}" for v in rect) + "]"


def _cm(emu: int) -> str:
    return f"{emu / 360000:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _q(text: str) -> str:
    """`text` as a YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)
