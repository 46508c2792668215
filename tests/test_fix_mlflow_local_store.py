"""MLflow's store URI decides where it writes: `sqlite:///mlflow.db` (MLflow's documented form), `file:` and
bare paths keep the store on the container's own filesystem, so the read-only fix stays off until a volume
holds it; a database or object store moves it off (review A18 H2)."""
from __future__ import annotations

import pytest

from tests.test_fix_still_runs import _glm004

_S3 = " --artifacts-destination s3://ml"


@pytest.mark.parametrize(("args", "extra", "fixable"), [
    # relative to the directory it starts in (`/`): the root filesystem
    ("--backend-store-uri sqlite:///mlflow.db" + _S3, "", False),
    ("--backend-store-uri=sqlite:///mlflow.db" + _S3, "    working_dir: /mlflow\n    volumes: [\"mlflow:/mlflow\"]\n",
     True),
    # absolute: a volume there holds it
    ("--backend-store-uri sqlite:////mlflow/mlflow.db" + _S3, "", False),
    ("--backend-store-uri sqlite:////mlflow/mlflow.db" + _S3, "    volumes: [\"mlflow:/mlflow\"]\n", True),
    ("--backend-store-uri sqlite:////mlflow/mlflow.db" + _S3, "    volumes: [\"./mlflow:/mlflow:ro\"]\n", False),
    ("--backend-store-uri file:///mlruns" + _S3, "", False),
    ("--backend-store-uri ./mlruns" + _S3, "", False),
    ("--backend-store-uri /mlruns" + _S3, "    volumes: [\"runs:/mlruns\"]\n", True),
    # a database: off the container's filesystem
    ("--backend-store-uri postgresql://mlflow@db/mlflow" + _S3, "", True),
    ("--backend-store-uri mysql+pymysql://mlflow@db/mlflow" + _S3, "", True),
    # a value the scan cannot read may be either: the fix stays, as before
    ("--backend-store-uri ${MLFLOW_DB}" + _S3, "", True),
    # uploaded artifacts to a local directory: where the volume is
    ("--backend-store-uri postgresql://db/mlflow --artifacts-destination /mlflow/artifacts", "", False),
    ("--backend-store-uri postgresql://db/mlflow --artifacts-destination /mlflow/artifacts",
     "    volumes: [\"mlflow:/mlflow\"]\n", True),
])
def test_mlflow_store_on_a_local_path_holds_the_read_only_fix(tmp_path, args, extra, fixable) -> None:
    text = f"services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.14.1\n" \
           f"    command: mlflow server --host 0.0.0.0 {args}\n{extra}"
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable, result.message
    assert ("no automatic fix" in result.message) != fixable


@pytest.mark.parametrize(("uri", "fixable"), [
    ("sqlite:///mlflow.db", False),
    ("postgresql://db/mlflow", True),
])
def test_mlflow_store_uri_from_the_environment(tmp_path, uri, fixable) -> None:
    text = ("services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.14.1\n    command: mlflow server --host 0.0.0.0\n"
            f"    environment:\n      MLFLOW_BACKEND_STORE_URI: \"{uri}\"\n      MLFLOW_ARTIFACTS_DESTINATION: s3://ml\n")
    result = _glm004(tmp_path, "compose.yaml", text)
    assert (result.fix is not None) == fixable, result.message


def test_the_message_names_where_the_store_is(tmp_path) -> None:
    text = ("services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.14.1\n"
            "    command: mlflow server --backend-store-uri sqlite:////data/mlflow.db" + _S3 + "\n")
    result = _glm004(tmp_path, "compose.yaml", text)
    assert "backend store" in result.message and "at /data/mlflow.db" in result.message
