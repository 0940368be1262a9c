"""Is an element hidden from readers? Inline styles, the ``hidden`` attribute, and the page's own
``<style>`` rules for simple selectors (``.cls``, ``#id``, ``tag.cls``).

Each test names its technique (``display:none``, ``off-screen``…), which is what a finding
reports. Rules inside ``@media``/``@supports`` blocks are ignored on purpose: they hide things on
some screens only (a mobile menu), which is layout, not concealment. Selectors with combinators or
pseudo-classes are ignored too: matching them would need a CSS engine, and a hiding rule that
needs one is rare in injected spam, which relies on inline styles or one class.

>>> techniques(parse_declarations("display: none !important"))
'display:none'
>>> techniques(parse_declarations("position:absolute; left:-9999px"))
'off-screen'
>>> techniques(parse_declarations("left:-2px")) is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import regex

Colour = tuple[int, int, int]
NUMBER = regex.compile(r"^\s*(-?\d*\.?\d+)\s*([a-z%]*)")
OFFSCREEN_PX = -500.0  # further left/up than this is off any screen
EM_PX = 16.0
COMMENT = regex.compile(r"/\*.*?\*/", regex.S)
BRACE = regex.compile(r"[{}]")
FLAT_RULE = regex.compile(r"([^{}]*+)\{([^{}]*+)\}")  # a rule at the top level with no block inside
SIMPLE_SELECTOR = regex.compile(r"^([a-zA-Z][a-zA-Z0-9-]*)?((?:[.#][-_a-zA-Z0-9]+)*)$")
SELECTOR_PART = regex.compile(r"([.#])([-_a-zA-Z0-9]+)")
HIDE_HINT = regex.compile(r"none|hidden|collapse|opacity|font-size|-\d{3}|clip|color", regex.I)
NAMED_COLOURS = {
    "white": (255, 255, 255), "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0),
    "blue": (0, 0, 255), "yellow": (255, 255, 0), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "silver": (192, 192, 192), "whitesmoke": (245, 245, 245), "snow": (255, 250, 250),
}
COLOUR_TOLERANCE = 24  # summed RGB difference under which text cannot be told from its background


def parse_declarations(style: str) -> dict[str, str]:
    """``"a: 1; B:2 !important"`` → ``{"a": "1", "b": "2"}`` (last one wins, as in CSS)."""
    out: dict[str, str] = {}
    for decl in style.split(";"):
        name, sep, value = decl.partition(":")
        if sep:
            value = value.strip().lower()
            if value.endswith("!important"):
                value = value[: -len("!important")].strip()
            out[name.strip().lower()] = value
    return out


def length_px(value: str | None) -> float | None:
    """A CSS length in px (em/rem as 16 px; other units as their number), or None."""
    if not value:
        return None
    m = NUMBER.match(value)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    return number * EM_PX if unit in ("em", "rem") else number


def parse_colour(value: str | None) -> Colour | None:
    """``#fff``, ``#ffffff``, ``rgb(…)``/``rgba(…)`` (opaque), or a common name → RGB."""
    if not value:
        return None
    value = value.strip().split()[0] if value.strip() else value
    if value in NAMED_COLOURS:
        return NAMED_COLOURS[value]
    if value.startswith("#") and len(value) in (4, 7):
        digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
        try:
            return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
        except ValueError:
            return None
    m = regex.match(r"rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*(?:[,/]\s*([\d.]+%?))?\s*\)", value)
    if m and (m.group(4) is None or m.group(4) in ("1", "1.0", "100%")):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    return None


UNKNOWN: Colour = (-1, -1, -1)  # a background no colour describes: an image, a gradient, a see-through tint
PAINTED = regex.compile(r"url\(|gradient\(|image-set\(|rgba?\([^)]*[,/]\s*0?\.\d|hsla\(")


def background(decls: Mapping[str, str]) -> Colour | None:
    """The colour an element paints behind its text, :data:`UNKNOWN` when it paints a picture or a
    see-through tint (white text over a photo shows), None when it paints nothing of its own.

    >>> background(parse_declarations("background: url('sky.jpg') center/cover; color: #fff")) is UNKNOWN
    True
    >>> background(parse_declarations("background-color: #fff"))
    (255, 255, 255)
    """
    value = decls.get("background-color") or decls.get("background")
    image = decls.get("background-image")
    if (image and PAINTED.search(image)) or (value and PAINTED.search(value)):
        return UNKNOWN
    return parse_colour(value)


def same_colour(a: Colour | None, b: Colour | None) -> bool:
    if a is None or b is None or a is UNKNOWN or b is UNKNOWN:
        return False
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) <= COLOUR_TOLERANCE


def _zero(value: str | None) -> bool:
    px = length_px(value)
    return px is not None and px <= 0.0


def _offscreen(d: Mapping[str, str]) -> bool:
    indent = length_px(d.get("text-indent"))
    if indent is not None and indent <= OFFSCREEN_PX:
        return True
    if d.get("position") in ("absolute", "fixed"):
        for side in ("left", "top", "right", "margin-left", "margin-top"):
            px = length_px(d.get(side))
            if px is not None and px <= OFFSCREEN_PX:
                return True
    return False


def _zero_box(d: Mapping[str, str]) -> bool:
    if d.get("overflow", d.get("overflow-y", d.get("overflow-x"))) in ("hidden", "clip"):
        if any(_zero(d.get(k)) for k in ("height", "max-height", "width", "max-width")):
            return True
    clip = d.get("clip", "").replace(" ", "").replace("px", "")
    return clip in ("rect(0,0,0,0)", "rect(0000)", "rect(1,1,1,1)") or d.get("clip-path", "") in (
        "inset(50%)", "inset(100%)", "circle(0)")


def techniques(d: Mapping[str, str]) -> str | None:
    """The hiding technique a set of declarations uses, or None (the element shows)."""
    if d.get("display") == "none":
        return "display:none"
    if d.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    size = length_px(d.get("font-size"))
    if size is not None and size <= 1.0 and not d.get("font-size", "").endswith("%"):
        return "font-size:0"
    if d.get("font-size", "").strip() in ("0%", "0.0%"):
        return "font-size:0"
    opacity = d.get("opacity")
    if opacity is not None:
        try:
            if float(opacity.rstrip("%")) <= 0.01:
                return "opacity:0"
        except ValueError:
            pass
    if _offscreen(d):
        return "off-screen"
    if _zero_box(d):
        return "zero-size"
    if same_colour(parse_colour(d.get("color")), background(d)):
        return "same-colour"
    return None


SelectorRule = tuple[str | None, str | None, frozenset[str], str]  # tag, id, classes, technique


@dataclass
class StyleSheet:
    """Hiding rules of a page's ``<style>`` elements, indexed by class, id and tag."""

    by_class: dict[str, list[SelectorRule]] = field(default_factory=dict)
    by_id: dict[str, list[SelectorRule]] = field(default_factory=dict)
    by_tag: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_class or self.by_id or self.by_tag)

    def add(self, selector: str, technique: str) -> None:
        m = SIMPLE_SELECTOR.match(selector.strip())
        if not m or not selector.strip():
            return
        tag = m.group(1).lower() if m.group(1) else None
        parts = SELECTOR_PART.findall(m.group(2))
        ids = [v for k, v in parts if k == "#"]
        classes = frozenset(v for k, v in parts if k == ".")
        if len(ids) > 1:
            return
        rule = (tag, ids[0] if ids else None, classes, technique)
        if ids:
            self.by_id.setdefault(ids[0], []).append(rule)
        elif classes:
            self.by_class.setdefault(min(classes), []).append(rule)
        elif tag and tag not in ("html", "body"):
            self.by_tag[tag] = technique

    def match(self, tag: str, el_id: str | None, classes: Iterable[str]) -> str | None:
        """The technique of the first hiding rule that selects this element, or None."""
        if tag in self.by_tag:
            return self.by_tag[tag]
        classes = tuple(classes)
        by_class = self.by_class
        if not (el_id and el_id in self.by_id) and not any(c in by_class for c in classes):
            return None  # most elements: no rule is indexed under their id or any of their classes
        cls = frozenset(classes)
        candidates = [r for c in cls for r in self.by_class.get(c, ())]
        if el_id:
            candidates += self.by_id.get(el_id, ())
        for r_tag, r_id, r_classes, technique in candidates:
            if (r_tag is None or r_tag == tag) and (r_id is None or r_id == el_id) and r_classes <= cls:
                return technique
        return None


def top_level_rules(css: str) -> Iterable[tuple[str, str]]:
    """``(selectors, declarations)`` of the rules not nested in an at-rule block."""
    css = COMMENT.sub("", css)
    depth, start, selector, skip = 0, 0, "", False
    pos = 0
    while True:
        if depth == 0:  # here start == pos: a flat rule ``selector{body}`` is read in one match
            flat = FLAT_RULE.match(css, pos)
            if flat is not None:
                selector = flat.group(1).strip()
                skip = selector.startswith("@")
                if not skip:
                    yield selector, flat.group(2)
                pos = start = flat.end()
                continue
        m = BRACE.search(css, pos)  # nested blocks (@media) and stray braces: one brace at a time
        if m is None:
            return
        pos = m.end()
        if m.group() == "{":
            if depth == 0:
                selector = css[start:m.start()].strip()
                skip = selector.startswith("@")
                start = m.end()
            depth += 1
        else:
            depth = max(0, depth - 1)
            if depth == 0:
                if not skip:
                    yield selector, css[start:m.start()]
                start = m.end()


@functools.lru_cache(maxsize=4096)
def _rule_technique(body: str) -> str | None:
    """The hiding technique of a rule's declarations. Cached: a page's stylesheet repeats the same
    bodies (``display:none`` under many selectors), and so do the pages of a site or a framework."""
    if not HIDE_HINT.search(body):
        return None
    return techniques(parse_declarations(body))


def parse_stylesheet(css_texts: Iterable[str], sheet: StyleSheet | None = None) -> StyleSheet:
    """Collect the hiding rules of the given CSS texts."""
    sheet = sheet or StyleSheet()
    for css in css_texts:
        for selectors, body in top_level_rules(css):
            technique = _rule_technique(body)
            if technique:
                for sel in selectors.split(","):
                    sheet.add(sel, technique)
    return sheet
