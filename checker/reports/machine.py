"""The reports machines read: JSON (CI, grading, tools) and JUnit XML (CI test panels)."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from checker.engine.catalog import Kata
from checker.engine.results import FlagKind, KataResult, Status, overall_status

# A runaway message (an exception with a huge repr) is cut in the one-line attributes.
MESSAGE_WIDTH = 1200


def json_report(results: list[KataResult], extra: dict[str, Any] | None = None) -> str:
    """The machine report: {"version": 1, "status", "passed", "total", ...extra, "katas": [...]}.

    Each kata carries `flags` (kind, evidence, file, line): empty except in `grade`.
    """
    document = {
        "version": 1,
        "status": overall_status(results),
        "passed": sum(1 for r in results if r.status == Status.PASS),
        "total": len(results),
    }
    document.update(extra or {})
    document["katas"] = [r.to_json() for r in results]
    return json.dumps(document, indent=2)


def junit_report(katas: list[Kata], results: list[KataResult]) -> str:
    titles = {k.id: k.title for k in katas}
    suites = ET.Element("testsuites", name="fastapi-katas")
    for result in results:
        failures = sum(1 for t in result.tests if t.status == Status.FAIL)
        errors = sum(1 for t in result.tests if t.status == Status.ERROR)
        if result.status in (Status.ERROR, Status.TIMEOUT) and not result.tests:
            errors = 1
        cases = max(len(result.tests), 1 if errors else 0)
        # A tampered run gets one more case, "(integrity)", holding the evidence.
        tampered = result.status == Status.TAMPERED
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=result.id,
            tests=str(cases + tampered),
            failures=str(failures),
            errors=str(errors + tampered),
            time=f"{result.duration_s:.3f}",
        )
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="title",
                      value=titles.get(result.id, result.id))  # fmt: skip
        for flag in result.flags:
            ET.SubElement(properties, "property", name=f"flag.{flag.kind}",
                          value=_one_line(flag.describe()))  # fmt: skip
        for test in result.tests:
            case = ET.SubElement(
                suite, "testcase", classname=result.id, name=test.name,
                file=test.file, line=str(test.line), time=f"{test.duration_s:.3f}",
            )  # fmt: skip
            if test.status in (Status.FAIL, Status.ERROR):
                tag = "failure" if test.status == Status.FAIL else "error"
                element = ET.SubElement(case, tag, message=_one_line(test.message))
                element.text = test.message + (f"\nat {test.location}" if test.location else "")
        if result.status in (Status.ERROR, Status.TIMEOUT) and not result.tests:
            case = ET.SubElement(suite, "testcase", classname=result.id, name="(kata)")
            ET.SubElement(case, "error", message=_one_line(result.message)).text = result.message
        elif result.status == Status.TIMEOUT:
            ET.SubElement(suite, "system-err").text = result.message
        if tampered:
            case = ET.SubElement(suite, "testcase", classname=result.id, name="(integrity)")
            evidence = "\n".join(f.describe() for f in result.flags if f.kind == FlagKind.TAMPERED)
            ET.SubElement(
                case, "error", message=_one_line(result.message), type="tampered"
            ).text = f"{result.message}\n{evidence}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MESSAGE_WIDTH]
