# glmlint as a container image, for CI systems that run tools as images (docs/container.md).
#   docker build -t glmlint .
#   docker run --rm --read-only -v "$PWD:/src:ro" glmlint check .
# It passes glmlint's own rules with no finding (tests/test_container_image.py).

FROM python:3.12-slim-bookworm AS build
WORKDIR /build
COPY pyproject.toml README.md ./
COPY linter/ linter/
COPY rules/ rules/
# a virtualenv the final stage copies whole; byte-code compiled now, so the read-only image never writes it
RUN python -m venv /opt/glmlint \
 && /opt/glmlint/bin/pip install --no-cache-dir --disable-pip-version-check . \
 && /opt/glmlint/bin/python -m compileall -q /opt/glmlint/lib

FROM python:3.12-slim-bookworm
COPY --from=build /opt/glmlint /opt/glmlint
ENV PATH=/opt/glmlint/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# any non-root uid works: glmlint only reads the files it checks and writes only `-o`/`--report` files
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["glmlint"]
CMD ["check", "."]
