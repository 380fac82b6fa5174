#!/usr/bin/env python3
"""Checks a JUnit XML report with a real XML parser: well-formed, the expected shape, stable names,
'.' decimals, counts that add up, and no control characters. Exits non-zero naming the problem."""
import re
import sys
import xml.etree.ElementTree as ET

def fail(msg):
    print(f"junit check: {msg}", file=sys.stderr)
    sys.exit(1)

path = sys.argv[1] if len(sys.argv) > 1 else "Reports/junit.xml"
try:
    raw = open(path, "rb").read()
except OSError as e:
    fail(f"cannot read {path}: {e}")
if re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw):
    fail(f"{path} contains control characters")
try:
    root = ET.fromstring(raw)
except ET.ParseError as e:
    fail(f"{path} is not well-formed XML: {e}")
if root.tag != "testsuites":
    fail(f"root element is <{root.tag}>, expected <testsuites>")
seen = set()
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for suite in root.findall("testsuite"):
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    for key, value in counts.items():
        if int(suite.get(key, "-1")) != value:
            fail(f"testsuite {suite.get('name')!r}: {key}={suite.get(key)} but counted {value}")
        totals[key] += value
    for case in cases:
        ident = (case.get("classname"), case.get("name"))
        if not all(ident):
            fail(f"testcase without classname/name in suite {suite.get('name')!r}")
        if ident in seen:
            fail(f"duplicate testcase {ident}")
        seen.add(ident)
        t = case.get("time", "0")
        if not re.fullmatch(r"\d+(\.\d+)?", t):
            fail(f"testcase {ident}: time {t!r} is not a '.'-decimal number")
        outcomes = [tag for tag in ("failure", "error", "skipped") if case.find(tag) is not None]
        if len(outcomes) > 1:
            fail(f"testcase {ident} has several outcomes {outcomes}")
for key, value in totals.items():
    if root.get(key) is not None and int(root.get(key)) != value:
        fail(f"testsuites {key}={root.get(key)} but counted {value}")
if totals["tests"] == 0:
    fail("no test cases")
print(f"junit check: {path} well-formed; {totals['tests']} cases, {totals['failures']} failures, "
      f"{totals['errors']} errors, {totals['skipped']} skipped")
