"""The GitHub workflows follow least privilege and do what the course needs.

Schema validity and zizmor's audit run in `make ci-lint` (part of `make test`); these tests
pin down the rest: every action pinned to a commit, explicit permissions, no persisted
credentials, time limits, and what each workflow runs and uploads.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("ci", "publish", "weekly")


def _load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


@pytest.mark.parametrize("name", NAMES)
def test_least_privilege_and_limits(name):
    wf = _load(name)
    assert wf["permissions"] == {}, "no permissions at the top; each job asks for its own"
    assert "group" in wf["concurrency"]
    for job_id, job in wf["jobs"].items():
        assert "permissions" in job, f"{name}.{job_id}: explicit permissions"
        assert isinstance(job.get("timeout-minutes"), int), f"{name}.{job_id}: timeout"
        for key, value in job["permissions"].items():
            if value == "write":
                assert (name, job_id, key) in {("publish", "deploy", "pages"),
                                               ("publish", "deploy", "id-token"),
                                               ("publish", "release", "contents")}, (
                    f"{name}.{job_id}: {key}: write is not needed")
        for step in _steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{name}.{job_id}"


@pytest.mark.parametrize("name", NAMES)
def test_every_action_is_pinned_to_a_commit_with_its_version(name):
    text = (WORKFLOWS / f"{name}.yml").read_text()
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(.+)$", text, re.M)
    assert uses
    for line in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line.strip()), line


def test_ci_runs_make_test_in_bookworm_and_always_uploads():
    job = _load("ci")["jobs"]["test"]
    wf = _load("ci")
    assert {"push", "pull_request"} <= set(wf["on"])
    assert job["container"]["image"] == "python:3.11-bookworm"
    assert any(step.get("run", "").strip() == "bash .ci/run" for step in _steps(job))
    uploads = {step["with"]["path"]: step for step in _steps(job)
               if step.get("uses", "").startswith("actions/upload-artifact@")}
    assert set(uploads) == {"_build/screenshots", "_build/executed", "_build/metrics"}
    assert all(step["if"] == "always()" for step in uploads.values())


def test_publish_builds_with_student_copies_and_deploys_pages():
    wf = _load("publish")
    assert wf["on"]["push"] == {"tags": ["v*.*.*"]} and "workflow_dispatch" in wf["on"]
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    runs = "\n".join(step.get("run", "") for step in _steps(build))
    assert "make book" in runs and "_build/html/notebooks/student" in runs
    upload = next(s for s in _steps(build) if "upload-pages-artifact@" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages@" in s.get("uses", "") for s in _steps(deploy))


def test_a_release_tag_attaches_the_pdf_and_the_bundle():
    job = _load("publish")["jobs"]["release"]
    assert job["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert job["permissions"] == {"contents": "write"}
    runs = "\n".join(step.get("run", "") for step in _steps(job))
    assert "make pdf bundle" in runs
    assert 'gh release create "$TAG" _build/pdf/course.pdf "_build/cnn-course-$TAG.zip"' in runs
    assert "${{" not in runs, "expressions reach the shell through env, not inline"


def test_weekly_runs_every_chapter_online_and_the_colab_lane():
    wf = _load("weekly")
    assert "schedule" in wf["on"] and "workflow_dispatch" in wf["on"]
    text = (WORKFLOWS / "weekly.yml").read_text()
    assert "COURSE_OFFLINE: " not in text and "COURSE_OFFLINE=1" not in text
    runs = "\n".join(step.get("run", "") for job in wf["jobs"].values() for step in _steps(job))
    assert "make run CHAPTER=all" in runs and "make colab" in runs
    uploaded = " ".join(str(step["with"]["path"]) for job in wf["jobs"].values()
                        for step in _steps(job) if "upload-artifact@" in step.get("uses", ""))
    assert "_build/executed" in uploaded and "_build/metrics" in uploaded


def test_make_test_lints_the_workflows():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\bci-lint\b", makefile, re.M)
    recipe = makefile.split("\nci-lint:", 1)[1].split("\n\n", 1)[0]
    assert "check-jsonschema --builtin-schema vendor.github-workflows" in recipe
    assert "zizmor --offline" in recipe and "--min-severity medium" in recipe
