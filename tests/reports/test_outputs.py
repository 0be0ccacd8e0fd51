"""Word output of every report (issue 17 item 6) in the runner: written in the worker's staging folder beside the
HTML and PDF, installed with them, and a Word step that fails never costs a report its other outputs."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import nbformat

from planlib.reports import outputs, word, worker
from planlib.reports.jobs import Job, Result, Settings

TITLE = "รายงานทดสอบการจัดทำเอกสาร"
HEADING = "ตัวชี้วัดและน้ำหนัก"


def _job(tmp_path: Path, *, pdf: bool = True) -> Job:
    folder = tmp_path / "reports" / "hwfund" / "2568"
    staging = folder / ".staging-echo-1-1"
    staging.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {TITLE}\n\n## {HEADING}"),
        nbformat.v4.new_markdown_cell("| ตัวชี้วัด | ค่า |\n|---|---|\n| ต่ำกว่าเกณฑ์ | 3 |"),
    ]
    nbformat.write(nb, staging / "echo.ipynb")
    return Job(
        "echo", "hwfund", "2568", {}, str(folder), str(staging), "echo.ipynb", TITLE, "หน่วยงานทดสอบ", Settings(pdf=pdf)
    )


def _texts(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_worker_writes_the_word_document_beside_the_html_and_pdf(tmp_path) -> None:
    job = _job(tmp_path)
    executed = Path(job.staging) / "echo.ipynb"
    result = Result.of(job, "ok")
    worker.write_exports(job, executed, result)
    assert result.error is None
    assert sorted(p.name for p in Path(job.staging).iterdir()) == ["echo.docx", "echo.html", "echo.ipynb", "echo.pdf"]
    text = _texts(Path(job.staging) / "echo.docx")
    assert TITLE in text and HEADING in text and "ต่ำกว่าเกณฑ์" in text
    headings = [
        p.text
        for p in docx.Document(str(Path(job.staging) / "echo.docx")).paragraphs
        if p.style.name.startswith("Heading")
    ]
    assert HEADING in headings


def test_a_failing_word_step_keeps_the_other_outputs_and_says_why(tmp_path, monkeypatch) -> None:
    job = _job(tmp_path)
    folder = Path(job.folder)
    (folder / "echo.docx").write_bytes(b"an older Word document")  # from a previous run

    def broken(source: str, out_path: str | Path, **kwargs: object) -> Path:
        Path(out_path).write_bytes(b"half a docx")
        raise ValueError("a table Word cannot hold")

    monkeypatch.setattr(word, "write_docx", broken)
    executed = Path(job.staging) / "echo.ipynb"
    result = Result.of(job, "ok")
    worker.write_exports(job, executed, result)
    assert result.status == "ok"
    assert result.error is not None and result.error["stage"] == "word"
    assert "a table Word cannot hold" in result.error["message"] and result.error["ename"] == "ValueError"
    assert result.error["code"] == "word_failed"
    assert result.error["message"] == (
        "Word (.docx) export failed; the HTML and PDF were written: ValueError: a table Word cannot hold"
    )
    assert result.error["message_th"] == (
        "สร้างไฟล์ Word (.docx) ไม่สำเร็จ แต่สร้าง HTML และ PDF แล้ว: ValueError: a table Word cannot hold"
    )
    assert not (Path(job.staging) / "echo.docx").exists()  # no half-written file is installed
    result.outputs = sorted(p.name for p in Path(job.staging).iterdir())
    (tmp_path / "data" / "hwfund").mkdir(parents=True)
    outputs.commit(job, result, outputs.Manifests(tmp_path / "data", tmp_path / "reports"))
    assert sorted(p.name for p in folder.iterdir()) == ["echo.html", "echo.ipynb", "echo.pdf", "manifest.json"]
    entry = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"]["echo"]
    assert entry["status"] == "ok" and entry["outputs"] == ["echo.html", "echo.ipynb", "echo.pdf"]
    assert entry["error"]["stage"] == "word"


def test_word_is_written_when_the_pdf_is_turned_off(tmp_path) -> None:
    job = _job(tmp_path, pdf=False)
    result = Result.of(job, "ok")
    worker.write_exports(job, Path(job.staging) / "echo.ipynb", result)
    assert sorted(p.name for p in Path(job.staging).iterdir()) == ["echo.docx", "echo.html", "echo.ipynb"]


def test_a_failing_word_step_without_pdf_does_not_claim_a_pdf(tmp_path, monkeypatch) -> None:
    job = _job(tmp_path, pdf=False)

    def broken(source: str, out_path: str | Path, **kwargs: object) -> Path:
        raise ValueError("a table Word cannot hold")

    monkeypatch.setattr(word, "write_docx", broken)
    result = Result.of(job, "ok")
    worker.write_exports(job, Path(job.staging) / "echo.ipynb", result)
    assert result.status == "ok" and sorted(p.name for p in Path(job.staging).iterdir()) == ["echo.html", "echo.ipynb"]
    assert result.error is not None and result.error["code"] == "word_failed_html_only"
    assert result.error["message"] == (
        "Word (.docx) export failed; the HTML was written (PDF turned off): ValueError: a table Word cannot hold"
    )
    assert result.error["message_th"].startswith("สร้างไฟล์ Word (.docx) ไม่สำเร็จ แต่สร้าง HTML แล้ว (ไม่ได้สร้าง PDF)")
