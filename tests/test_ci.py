"""The example workflow runs the same steps as .ci/run: set-up, tests with a JUnit
report, the audit with its JUnit report and Markdown summary, and uploads the reports."""

import yaml

from .conftest import ROOT


def workflow_steps():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    job, = wf["jobs"].values()
    return job["steps"]


def test_the_workflow_runs_the_same_commands_as_ci_run():
    ci = [ln for ln in (ROOT / ".ci" / "run").read_text().splitlines()
          if ln.startswith(("bash ", "python3 "))]
    runs = [ln.strip() for s in workflow_steps() for ln in s.get("run", "").splitlines()]
    summary = '--summary "$GITHUB_STEP_SUMMARY"'
    assert [c.replace("--summary reports/audit.md", summary) for c in ci] == \
        [r for r in runs if r.startswith(("bash scripts/", "python3 -m pytest", "python3 -m model"))]
    assert "scripts/setup.sh" in ci[0]                  # LibreOffice and the package, from nothing


def test_the_workflow_uploads_the_junit_reports_even_when_tests_fail():
    steps = workflow_steps()
    upload, = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "reports/*.xml"
    assert upload["if"] == "${{ !cancelled() }}"
    audit, = [s for s in steps if "python3 -m model audit" in s.get("run", "")]
    assert audit["if"] == "${{ !cancelled() }}"
