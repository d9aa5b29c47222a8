"""Builds paper/paper.pdf from paper/paper.md, the generated tables and paper/numbers.json.

1. `{{ key }}` placeholders are replaced by paper/numbers.json's values (an unknown key stops the
   build), and each line `!include tables/NAME.md` by that file -> build/paper/paper.md.
2. Debian's pandoc turns it into one self-contained HTML page (citations and the reference list
   by citeproc from paper.bib, the style of paper/style.css, figures embedded).
3. Debian's chromium, headless, prints the page to paper/paper.pdf (A4).
4. pdfinfo counts the pages; pdftoppm renders each page to build/paper/pages/page-N.png, the
   images to look at (figures legible, nothing overflowing).

The helpers (placeholders, includes, figure references, word count) are also what
tests/python/test_paper.py checks the text with.
"""
from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess
import tempfile

HERE = pathlib.Path(__file__).resolve().parent

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
INCLUDE = re.compile(r"^!include\s+(\S+)\s*$", re.M)
FIGURE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
#: The word limits of the issue (JOSS asks for 250-1000 words; this paper carries the study and
#: the evidence, so it is allowed up to 2000).
WORDS_MIN, WORDS_MAX = 1000, 2000


def split_front_matter(text: str) -> tuple[str, str]:
    """(YAML front matter, body) of a Markdown text that starts with `---`."""
    if not text.startswith("---\n"):
        raise ValueError("paper.md must start with a YAML front matter block (---)")
    end = text.index("\n---\n", 4)
    return text[4:end], text[end + 5:]


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def includes(text: str) -> list[str]:
    return INCLUDE.findall(text)


def figures(text: str) -> list[str]:
    return FIGURE.findall(text)


def word_count(text: str) -> int:
    """Words of the body: prose, headings and figure captions; not the front matter, tables,
    included tables, code blocks, HTML comments, citation keys or link targets."""
    _, body = split_front_matter(text)
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    body = re.sub(r"```.*?```", " ", body, flags=re.S)
    lines = [ln for ln in body.splitlines()
             if not ln.lstrip().startswith("|") and not INCLUDE.match(ln)
             and not ln.startswith(":")]
    body = "\n".join(lines)
    body = re.sub(r"\]\([^)]*\)", "]", body)          # link and image targets
    body = re.sub(r"\{[#.][^}]*\}", " ", body)         # attributes {#fig:x width=...}
    body = re.sub(r"-?@[A-Za-z0-9_:.-]+", " ", body)   # citation keys
    body = PLACEHOLDER.sub(" N ", body)
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.,:/×%+\-–−]*", body))


def substitute(text: str, numbers: dict[str, str], base: pathlib.Path) -> str:
    missing = sorted({k for k in placeholders(text) if k not in numbers})
    if missing:
        raise SystemExit(f"render.py: placeholders without a value in numbers.json: {missing}")
    text = PLACEHOLDER.sub(lambda m: str(numbers[m.group(1)]), text)

    def include(m: re.Match) -> str:
        path = base / m.group(1)
        if not path.exists():
            raise SystemExit(f"render.py: included table {m.group(1)} does not exist")
        return path.read_text().rstrip("\n")
    return INCLUDE.sub(include, text)


def _front_matter_meta(front: str) -> list[str]:
    """pandoc's HTML template shows `author`; JOSS front matter has `authors` and
    `affiliations`: pass them as one author line."""
    import yaml
    meta = yaml.safe_load(front)
    affil = {str(a.get("index")): a.get("name", "") for a in meta.get("affiliations", [])}
    names = []
    for a in meta.get("authors", []):
        where = ", ".join(affil.get(i.strip(), "") for i in str(a.get("affiliation", "")).split(",")
                          if i.strip())
        names.append(a["name"] + (f" ({where})" if where else ""))
    return ["--metadata", f"author={'; '.join(names)}"] if names else []


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("render.py: chromium not found (scripts/setup.sh installs it)")


def build(paper_md: pathlib.Path, numbers_path: pathlib.Path, out: pathlib.Path,
          pdf: pathlib.Path) -> dict:
    text = paper_md.read_text()
    numbers = json.loads(numbers_path.read_text())
    rendered = substitute(text, numbers, paper_md.parent)
    out.mkdir(parents=True, exist_ok=True)
    md = out / "paper.md"
    md.write_text(rendered)
    html = out / "paper.html"
    front, _ = split_front_matter(text)
    subprocess.run(["pandoc", str(md), "--from", "markdown", "--to", "html5", "--standalone",
                    "--self-contained", "--citeproc", "--bibliography",
                    str(paper_md.parent / "paper.bib"), "--css", str(HERE / "style.css"),
                    "--resource-path", str(paper_md.parent), "--metadata", "link-citations=true",
                    *_front_matter_meta(front), "-o", str(html)],
                   check=True, cwd=paper_md.parent)
    tmp_pdf = out / "paper.pdf"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                        "--no-pdf-header-footer", f"--print-to-pdf={tmp_pdf}",
                        html.as_uri()], check=True, capture_output=True, timeout=300)
    shutil.copyfile(tmp_pdf, pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    pages_dir = out / "pages"
    if pages_dir.exists():
        shutil.rmtree(pages_dir)
    pages_dir.mkdir()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(pages_dir / "page")],
                   check=True)
    rendered_pages = sorted(pages_dir.glob("page-*.png"))
    if len(rendered_pages) != pages:
        raise SystemExit(f"render.py: pdftoppm rendered {len(rendered_pages)} of {pages} pages")
    words = word_count(text)
    print(f"paper: {pdf} ({pages} pages, {words} words); page images in {pages_dir}")
    return {"pages": pages, "words": words}
