"""The dbt project and CLI resource (one `dbt build` per refresh run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

DBT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"


def _manifest_is_stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [DBT_DIR / "dbt_project.yml", *DBT_DIR.glob("models/**/*"), *DBT_DIR.glob("macros/**/*"),
               *DBT_DIR.glob("tests/**/*"), *DBT_DIR.parent.glob("seeds/*")]  # fmt: skip
    return any(path.is_file() and path.stat().st_mtime > built for path in sources)


def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)
    # prepare_if_dev() only acts under `dagster dev`: CLI runs, tests and CI need a manifest that
    # matches the models, so parse when it is missing or older than any dbt file.
    if _manifest_is_stale(project.manifest_path):
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run(
            [str(dbt), "parse", "--quiet", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR)],
            check=True,
        )
    return project


def dbt_resource(project: DbtProject) -> DbtCliResource:
    return DbtCliResource(
        project_dir=project,
        profiles_dir=str(DBT_DIR),
        dbt_executable=str(Path(sys.executable).with_name("dbt")),
    )
