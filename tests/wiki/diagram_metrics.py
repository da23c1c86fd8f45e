"""Measure the diagrams of a page in the browser: what "legible at page width" means, as numbers.

For each ``figure.fd-mermaid``: the drawn width against the text column, whether its frame scrolls sideways, the
smallest label as rendered (font size x the scale the SVG is drawn at), how many labels carry line breaks and how
many of those still render on one line, and the theme-dependent paint (CSS filter and background).
"""

from __future__ import annotations

from typing import Any

MEASURE_JS = """
() => {
  const main = document.querySelector('#fd-content');
  const cs = getComputedStyle(main);
  const column = main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  return Array.from(document.querySelectorAll('figure.fd-mermaid')).map((fig) => {
    const frame = fig.querySelector('.fd-diagram-frame');
    const svg = fig.querySelector('.fd-diagram-frame > svg');
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    const scale = box.width / view.width;
    let smallest = Infinity;
    svg.querySelectorAll('foreignObject p, foreignObject span, text').forEach((el) => {
      if (!el.textContent.trim() || el.closest('title')) return;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize) * scale);
    });
    let breaks = 0, lost = 0;
    svg.querySelectorAll('foreignObject').forEach((fo) => {
      const count = fo.querySelectorAll('br').length;
      if (!count) return;
      breaks += 1;
      const label = fo.querySelector('p') || fo.firstElementChild;
      const size = parseFloat(getComputedStyle(label).fontSize);
      if (label.getBoundingClientRect().height / scale < size * (count + 1) * 0.9) lost += 1;
    });
    return {
      width: box.width, frame: frame.clientWidth, scrolls: frame.scrollWidth > frame.clientWidth + 1,
      column: column, smallest: smallest, breaks: breaks, lost: lost,
      literal: svg.textContent.indexOf('<br') !== -1,
      filter: getComputedStyle(svg).filter, background: getComputedStyle(fig).backgroundColor,
    };
  });
}
"""


def measure(page: Any) -> list[dict[str, Any]]:
    """The metrics of every diagram on the open page."""
    result: list[dict[str, Any]] = page.evaluate(MEASURE_JS)
    return result


def luminance(css_colour: str) -> float:
    """0 (black) to 1 (white) for an ``rgb()``/``rgba()`` colour."""
    parts = [float(p) for p in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3]]
    return (0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]) / 255
