"""The paper (paper/paper.md) and the evidence `make paper` generated for it.

Fast and always run (`make test`, also on a clean clone where `make paper` has not run): the
committed paper/figures, paper/tables, paper/numbers.json and paper/paper.pdf are those of the
last `make paper`, and paper/manifest.json records their SHA-256 and the text they were built
from. So these tests check, without running anything:

- every figure and table the text references is written by a rule of the paper build
  (paper/evidence.py's FIGURES, VALIDATION_FIGURES, TABLES), exists and is the file that build
  produced (hash in the manifest); every placeholder has a value in numbers.json;
- the generated files are those of the current text (paper.md, paper.bib, study.yaml unchanged
  since the build; otherwise: run `make paper`), and nothing stale lies in figures/ or tables/;
- the text has 1,000-2,000 words and every citation key is in paper.bib with its fields;
- the PDF has the pages the build counted, and pdftoppm renders them (skipped without poppler).
"""
from __future__ import annotations

import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAPER = ROOT / "paper"
sys.path.insert(0, str(PAPER))

import render  # noqa: E402

TEXT = (PAPER / "paper.md").read_text()
MANIFEST_PATH = PAPER / "manifest.json"


def sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def manifest() -> dict:
    if not MANIFEST_PATH.exists():
        pytest.fail("paper/manifest.json is missing: run `make paper` and commit its outputs")
    return json.loads(MANIFEST_PATH.read_text())


def declared_outputs() -> set[str]:
    """What the paper build writes, as declared by paper/evidence.py (parsed, not imported, so
    this test does not need the analysis package's dependencies to run)."""
    src = (PAPER / "evidence.py").read_text()
    out = set()
    for name in ("FIGURES", "VALIDATION_FIGURES", "TABLES"):
        m = re.search(rf"^{name} = \[(.*?)\]", src, re.S | re.M)
        assert m, f"paper/evidence.py declares no {name}"
        out |= set(re.findall(r'"([^"]+)"', m.group(1)))
    return out


def test_every_reference_is_produced_by_the_build():
    refs = render.figures(TEXT) + render.includes(TEXT)
    assert refs, "paper.md references no figure or table"
    missing = sorted(set(refs) - declared_outputs())
    assert not missing, f"referenced but written by no rule of paper/evidence.py: {missing}"


def test_validation_figures_come_from_the_validation_stage():
    build = (PAPER / "build.py").read_text()
    assert 'FIGURES / "validation"' in build and "vfigures.PLOTTERS" in build
    checks = (ROOT / "tests/validation/vchecks.py").read_text()
    for rel in render.figures(TEXT):
        if rel.startswith("figures/validation/"):
            assert f'"{pathlib.Path(rel).stem}"' in checks, f"{rel}: no such validation check"


def test_referenced_files_exist_and_are_the_built_ones(manifest):
    outputs = manifest["outputs"]
    for rel in render.figures(TEXT) + render.includes(TEXT) + ["numbers.json", "paper.pdf"]:
        path = PAPER / rel
        assert path.exists(), f"paper/{rel} is missing: run `make paper`"
        assert rel in outputs, f"paper/{rel} is not in the manifest of the last build"
        assert sha256(path) == outputs[rel], \
            f"paper/{rel} differs from the file `make paper` produced (edited by hand?)"


def test_no_stale_generated_files(manifest):
    on_disk = {str(p.relative_to(PAPER)) for p in (PAPER / "figures").rglob("*.png")}
    on_disk |= {str(p.relative_to(PAPER)) for p in (PAPER / "tables").glob("*.md")}
    stale = sorted(on_disk - set(manifest["outputs"]))
    assert not stale, f"files in paper/figures or paper/tables that the last build did not write: {stale}"


def test_outputs_belong_to_the_current_text(manifest):
    for name, digest in manifest["sources"].items():
        assert sha256(PAPER / name) == digest, \
            f"paper/{name} changed since the last `make paper`: run it again and commit"


def test_every_placeholder_has_a_value():
    numbers = json.loads((PAPER / "numbers.json").read_text())
    keys = render.placeholders(TEXT)
    assert keys, "paper.md has no generated numbers"
    missing = sorted(set(keys) - set(numbers))
    assert not missing, f"placeholders without a value in paper/numbers.json: {missing}"


def test_no_hand_typed_measurements_in_the_text():
    """Decimal numbers in the prose are measurements: they must come from numbers.json."""
    _, body = render.split_front_matter(TEXT)
    prose = [ln for ln in body.splitlines()
             if not ln.lstrip().startswith("|") and not ln.startswith(":")]
    prose = re.sub(r"\]\([^)]*\)|\{[^}]*\}|`[^`]*`|\[@[^\]]*\]|@[A-Za-z0-9_]+", " ",
                   "\n".join(prose))
    decimals = re.findall(r"(?<![\w.])\d+\.\d+", prose)
    assert not decimals, f"decimal numbers typed into paper.md: {decimals}"


def test_word_count():
    words = render.word_count(TEXT)
    assert render.WORDS_MIN <= words <= render.WORDS_MAX, f"{words} words"


def test_citations_are_in_the_bibliography():
    bib = (PAPER / "paper.bib").read_text()
    entries = dict(re.findall(r"@\w+\{([^,]+),(.*?)\n\}", bib, re.S))
    keys = set(re.findall(r"@([A-Za-z][A-Za-z0-9_]*)", re.sub(r"\S+@\S+\.\w+", "", TEXT)))
    keys |= {k for t in (PAPER / "evidence.py").read_text().split('"@')[1:]
             for k in re.findall(r"^([A-Za-z0-9_]+)", t)}
    missing = sorted(k for k in keys if k not in entries)
    assert not missing, f"cited but not in paper.bib: {missing}"
    for key, body in entries.items():
        fields = set(re.findall(r"^\s*(\w+)\s*=", body, re.M))
        assert "title" in fields and "year" in fields, f"{key}: title or year missing"
        assert fields & {"author", "editor"}, f"{key}: no author or editor"
        assert fields & {"doi", "url", "publisher", "journal", "booktitle"}, \
            f"{key}: no venue, DOI or URL"


def test_pdf_pages_render(manifest, tmp_path):
    if not shutil.which("pdftoppm") or not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils (pdftoppm, pdfinfo) not installed: scripts/setup.sh adds it")
    pdf = PAPER / "paper.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages == manifest["pdf"]["pages"]
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True,
                   timeout=120)
    assert len(list(tmp_path.glob("p-*.png"))) == pages
