"""Container's root filesystem is writable.

## What it does
Flags a compose service whose `read_only` is not true, a `docker run` without
`--read-only` and a Kubernetes
container whose `securityContext.readOnlyRootFilesystem` is not true.

A container of a Windows pod (`spec.os.name: windows`) is not reported: `readOnlyRootFilesystem`
is Linux's, and the API server refuses the field in a Windows pod, so no fix
writes it there either.

## Why is this bad?
A writable root filesystem lets an attacker who gets code execution drop
tools, replace binaries or persist in the container. Writable paths a workload
needs (`/tmp`, a model cache) belong on volumes or tmpfs, where they are
explicit.

## Example
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook
```
Use instead:
```yaml
services:
  notebook:
    image: quay.io/jupyter/pytorch-notebook
    read_only: true
    tmpfs: [/tmp]
    volumes: ["work:/home/jovyan/work"]
```

## Fix safety
Unsafe: a process that writes outside its volumes fails until those paths get
a volume or tmpfs. The fix adds a writable `/tmp` (compose `tmpfs`, a
Kubernetes `emptyDir` volume and mount), and one at each path the
[image catalog](../images.md) knows the image (or the program its start command runs, `jupyter lab` on a python image) writes at start (nginx:
`/var/cache/nginx`, `/var/run`; MySQL and MariaDB: `/var/run/mysqld`; vLLM: `/root/.cache`; Ollama: `/root/.ollama`; a Jupyter server's
`/home/jovyan/.local`; TGI and TEI: `/data`; MinIO: `/root/.minio`; `~` is the HOME the process starts with: a user
the scanned build makes with its home, `useradd -m app`, has `/home/app`), unless a
writable volume already covers it; also where the workload's variables move what the image writes (vLLM's
Hugging Face cache under `HF_HOME`, `HF_HUB_CACHE`, `TRANSFORMERS_CACHE` …; TEI's `HUGGINGFACE_HUB_CACHE`:
`HF_HOME: /models` gets a tmpfs at `/models`, and no fix is offered while one is set to a value the scan
cannot read, `${HF_HOME}` or a `valueFrom`); in Kubernetes also at each of the image's own `VOLUME`s it writes to
(postgres' data directory, redis' `/data`), which CRI-O, unlike Docker and containerd, makes a directory
of the read-only root filesystem. A compose
service built from a scanned Dockerfile writes where the image its final stage builds on writes
(`FROM nginx`). No fix is offered where that build puts files under such a path (a `COPY` there, a
`pip install --user`, or any pip install as a non-root user, which installs into `~/.local`, as the Hugging
Face Spaces template's does; a `huggingface-cli download` into `~/.cache`): a tmpfs or emptyDir there is empty
and hides them, and an anonymous volume, which Docker fills from the image when it creates it, is kept by
Compose when it recreates the container, so after `docker compose up --build` it would still hold the first
build's files. No fix is offered for an image
whose own start installs packages (Open WebUI Pipelines' `pip install` of each pipeline's `requirements:`), for one
whose start writes a file among its own code unless a variable is set (Open WebUI's
`.webui_secret_key` without `WEBUI_SECRET_KEY`), for one whose start needs a directory owned by its
user (Kubeflow's notebook images: s6-overlay's `/run`, which an `emptyDir` or tmpfs is not), nor for a
service that keeps its data in the directory it starts in unless told elsewhere (`mlflow server`
without `--backend-store-uri` writes `mlflow.db` there, and without `--artifacts-destination` its
uploaded artifacts; FastChat's programs their log file, `controller.log`, unless `LOGDIR` is set;
Qdrant its `./storage` and `./snapshots` in `/qdrant`; Open WebUI its database in
`/app/backend/data`), nor for one whose start rewrites its own configuration (Bitnami's Redis image edits
`/opt/bitnami/redis/etc/redis.conf` at every start), unless a writable volume holds
that directory, nor for one whose start command installs packages (`pip install gunicorn && gunicorn …`,
`apt-get install`: site-packages and the system's directories are on the root filesystem; pip's `--target` in
`/tmp` or on a writable volume keeps the fix) or generates code there (`npx prisma generate` writes
`node_modules/.prisma/client`: AnythingLLM's entrypoint), nor for one whose start command (an entrypoint script the
build copies in is read) removes, links, copies, moves, touches or makes (`mkdir` of a path the build does not make; an object store's
copy, `gcloud storage cp`, `gsutil cp`, `aws s3 cp`, to a local destination) a path of the image's own filesystem that no
writable mount holds (`rm -rf "${ROOT}/input"; ln -sT /data/input "${ROOT}/input"`, variables read from the
image's `ENV`; an `rm -r` or `ln` of a path the scan cannot read counts too; an `rm` only of what the build put
there, as `rm -f` of a file the image does not have succeeds; `mkdir -p` does not, as it succeeds
on a read-only root where the directory exists), nor for a service whose build makes a directory and gives it to a
user other than root (`mkdir -p /home/worker/app/local_data && chown -R worker /home/worker/app`: made for the app
to write there; not its `WORKDIR`, a directory the build copies files into, nor an install location on `PATH`)
unless a writable volume holds it: the finding says what to set. The `emptyDir` goes where the pod keeps its
`volumes` (a KServe predictor for its inline model, an Argo template for its
`container`); a container template with no pod of its own (a KServe
`ClusterStorageContainer`) gets no fix.
"""
from __future__ import annotations

from collections.abc import Iterator

import posixpath

from glmlint.catalog.images import default_user, fact, set_home
from glmlint.catalog.services import identify, program_fact
from glmlint.ir import Format, Mount, Workload
from glmlint.rule import Finding, FixSafety, Intent, Kind, Risk, Severity, ensure_item, rule, set_value


@rule(code="GLM004", slug="writable-rootfs", severity=Severity.WARNING,
      message="{name} has a writable root filesystem", formats={Format.COMPOSE, Format.KUBERNETES},
      fix=FixSafety.UNSAFE, tags=("security",),
      kind=Kind.HARDENING, risk=Risk.LOW, checklist="a read-only root filesystem")
def check(workload: Workload) -> Iterator[Finding]:
    if workload.windows:
        return  # the API server refuses `readOnlyRootFilesystem` in a Windows pod
    ro = workload.read_only_rootfs
    if ro.value:
        return
    listed, entry = _writable(workload)
    note = _start_writes(workload, listed)
    fix = None if note else _fix(workload, listed, entry)
    message = f"{workload.label} has a writable root filesystem{note}" if note else None
    if ro.explicit:
        yield Finding(at=ro.loc, fix=fix, args={"name": workload.label}, message=message)
    elif workload.missing(ro):
        yield Finding(at=workload.anchor, fix=fix, args={"name": workload.label}, message=message)


def _start_writes(workload: Workload, listed: list[str]) -> str:
    """Why no read-only fix is offered, else "": what the workload's start needs writable where no tmpfs or
    emptyDir the fix could add serves it, and that the workload does not mount:
    - a file among the image's own code, written unless a variable is set (images.yaml
      `start_writes_unless_env`: Open WebUI's secret key file). A variable from elsewhere (the host,
      `valueFrom`) counts as set; an empty one does not; with variables the scan cannot read (`envFrom`, an
      unread `env_file`) the fix stays;
    - a directory its start wants owned by its user (images.yaml `start_needs_owned`: s6-overlay's `/run`),
      which a tmpfs or emptyDir, root's and writable by everyone, is not;
    - a service's data kept in the directory it starts in unless an option or variable puts it elsewhere
      (services.yaml `writes`: MLflow's `mlflow.db` without `--backend-store-uri`)."""
    image = workload.entry_image()
    writes = fact(image, "start_writes_unless_env")
    if writes is not None:
        for path, names in writes.value.items():
            if names and workload.env_imports:
                continue  # (an env file the scan cannot read may set one)
            if not any((var := workload.env_value(n)) is not None and var.value != "" for n in names):
                if not names:  # no variable avoids it (dcgm-exporter's `ldconfig`, reread24 R5)
                    return (f" (no automatic fix: the `{writes.entry}` image's start writes {path}, among its own "
                            f"files, and cannot start on a read-only root: keep its root filesystem writable, or "
                            f"start it with an entrypoint that does not write there)")
                return (f" (no automatic fix: the `{writes.entry}` image's start writes {path}, among its own "
                        f"files, unless {' or '.join(names)} is set, and cannot start on a read-only root "
                        f"without it: set {names[0]} (from a secret), then make the root filesystem read-only)")
    owned = fact(image, "start_needs_owned")
    if owned is not None:
        for path, why in owned.value.items():
            if not any(covers(m, path) for m in workload.mounts):
                return (f" (no automatic fix: the `{owned.entry}` image's start needs {path} writable and "
                        f"{why}; a tmpfs or emptyDir there is root's and writable by everyone, so it would "
                        f"not start on a read-only root)")

    def writable(path: str) -> bool:  # pip's `--target` in /tmp (the fix's own tmpfs) or on a writable mount
        where = posixpath.join(workload.workdir or "/", path) if path else ""
        return bool(where) and (where == "/tmp" or where.startswith("/tmp/")
                                or any(covers(m, posixpath.normpath(where)) for m in workload.mounts))

    from glmlint.rules.glm001_run_as_root import GENERATORS, image_installs, start_install

    own = image_installs(workload)
    if own is not None:
        return (f" (no automatic fix: the `{own[0]}` image's own start installs packages (`{own[1]}`), which writes "
                f"the image's own directories: on a read-only root it fails; install them in an image built from it, "
                f"then make the root filesystem read-only)")
    install = start_install(workload, elsewhere=writable)
    if install is not None:
        # field23 F23-5: `pip install gunicorn && gunicorn …` writes site-packages, on the image's root filesystem
        what = ("generates code", "generate it") if install[0] in GENERATORS else ("installs packages", "install them")
        return (f" (no automatic fix: its start command {what[0]} (`{install[1]}`), which writes the "
                f"image's own directories: on a read-only root it fails; {what[1]} in the image build, then "
                f"make the root filesystem read-only)")
    for path in listed:  # (the paths `_fix` would make writable)
        if any(covers(m, path) for m in workload.mounts):
            continue
        built = _built_under(workload, path)
        if built is not None:
            # not an anonymous volume there either: Docker fills one from the image when it creates it, and Compose
            # keeps it when it recreates the container (`up --build`), so it would keep the first build's files
            # (review A24 X4)
            return (f" (no automatic fix: the image writes under {path} at start and {built}: an empty tmpfs or "
                    f"emptyDir there would hide it, so it would not start, and a volume filled from the image keeps "
                    f"its first build's files; install them outside {path} in the build (a virtual environment, "
                    f"`--local-dir`), then make the root filesystem read-only)")
    given = _made_for_the_user(workload, listed)
    if given is not None:
        # review A22 X2's second half: the build makes a directory and gives it to the app's user to write in
        path, owner = given
        return (f" (no automatic fix: its build makes {path} and gives it to `{owner}` (`chown`) for the app to write "
                f"there: on a read-only root it cannot; mount a volume there, then make the root filesystem "
                f"read-only)")
    changed = _start_changes_tree(workload, listed)
    if changed is not None:
        # field23 F23-8: an entrypoint script that replaces image directories with links into a volume at start
        command, path = changed
        return (" (no automatic fix: its start command " + (
                    f"changes the image's own files (`{command}`, at {path})" if path else
                    f"may change the image's own files (`{command}`, at a path the scan cannot read)")
                + ": on a read-only root that fails; make those changes in the image build, or mount a writable "
                  "volume there, then make the root filesystem read-only)")
    unread = _moved(workload)[1]
    if unread is not None:
        name, moved = unread
        return (f" (no automatic fix: {name} moves where the `{moved}` image writes at start (its model cache), "
                f"and the scan cannot read its value here: on a read-only root that directory is not writable; "
                f"mount a volume there, then make the root filesystem read-only)")
    for match in identify(workload):
        for write in match.writes():
            workdir = workload.workdir or (match.image.workdir if match.image is not None else None)
            absolute = write.path.startswith("/")  # where a store URI of a local path put it
            where = write.path if absolute else posixpath.join(workdir, write.path) if workdir else None
            if where is not None and any(covers(m, where) for m in workload.mounts):
                continue
            names = " or ".join(u.describe() for u in write.unless)
            place = f"at {where}" if absolute else f"in the directory it starts in ({where or './' + write.path})"
            if not names:  # nothing moves it (Bitnami Redis' redis.conf, rewritten by its setup)
                return (f" (no automatic fix: {match.service.name} writes {write.what} {place}: on a read-only root "
                        f"it cannot start; mount a writable volume there, then make the root filesystem read-only)")
            return (f" (no automatic fix: {match.service.name} keeps {write.what} {place} unless {names} says "
                    f"elsewhere: on a read-only root it "
                    f"cannot; mount a volume there or point it at one (or at a database or object store), then "
                    f"make the root filesystem read-only)")
    return ""


# start commands that write the path they are given (rm, touch) or their last operand (ln, cp, mv, install, rsync), which
# fails on a read-only root (EROFS); `mkdir -p` of a directory that exists does not fail (the kernel answers EEXIST
# before EROFS), so it is not one
_WRITES_OPERANDS = {"rm": "all", "touch": "all", "ln": "last", "cp": "last", "mv": "last", "install": "last",
                    "rsync": "last", "mkdir": "all"}
# the object-store CLIs' copies, read as `cp`/`rsync` of their local destination (a `gs://`/`s3://` one is not
# the container's): `gcloud storage cp|rsync`, `gsutil [-m] cp|rsync`, `aws s3 cp|sync`
_STORE_COPIES = {("gcloud", "storage"): ("cp", "rsync"), ("gsutil",): ("cp", "rsync"), ("aws", "s3"): ("cp", "sync")}
# options of those that take a value (GNU coreutils, rsync's common ones)
_VALUED = ("-t", "--target-directory", "-S", "--suffix", "-m", "--mode", "-o", "--owner", "-g", "--group", "-d", "-r",
           "--reference", "--exclude", "--include", "-e", "--backup")
# directories a read-only root leaves writable or that are not the image's files
_NOT_IMAGE = ("/tmp", "/var/tmp", "/dev", "/proc", "/sys")


def _within(path: str, top: str) -> bool:
    """Whether `path` is `top` or lies below it (both normalized)."""
    return path == top or path.startswith(top.rstrip("/") + "/")


def _left_writable(workload: Workload, path: str, listed: list[str]) -> bool:
    """Whether `path` stays writable, or is none of the image's files, under the read-only fix: under `_NOT_IMAGE`,
    a path the fix makes writable (`listed`), or a writable mount."""
    return any(_within(path, top) for top in (*_NOT_IMAGE, *listed)) or any(covers(m, path) for m in workload.mounts)


def _start_changes_tree(workload: Workload, listed: list[str]) -> tuple[str, str] | None:
    """(the command as written, the path: "" when the scan cannot read it) of the first start command that writes a
    path on the image's own filesystem that no writable mount, nor the fix's own tmpfs or emptyDir, holds (field23
    F23-8: stable-diffusion-webui-docker's entrypoint.sh `rm -rf "${ROOT}/input"; ln -sT /data/… "${ROOT}/input"` under
    `set -e`, at every start). `$NAME`/`${NAME}` are read from the workload's and its image's variables; a path
    still unknown counts only for `rm -r`/`ln`, which restructure the tree (a `cp` or `touch` of an unknown path is
    left alone); a relative path is under the working directory when the scan knows it."""
    env = {v.name: v.value for v in workload.env if v.value is not None and not v.dynamic and "$" not in v.value}
    for cmd in workload.process:
        words = [w.text for w in cmd.args]
        name = cmd.name
        store = _store_copy(name, words)
        if store is not None:
            name, words = "cp", store
        how = _WRITES_OPERANDS.get(name)
        if how is None:
            continue
        from glmlint.shell import getopt

        opts, operands = getopt(words, _VALUED)
        flags = {f for f, _v in opts}
        if cmd.name == "rm" and not flags & {"-r", "-R", "--recursive", "-rf", "-fr"} and \
                not any(f.startswith("-") and "r" in f.lower() and not f.startswith("--") for f in flags):
            recursive = False
        else:
            recursive = True
        sources: list[str] = []
        if how == "last":
            target_dir = next((v for f, v in opts if f in ("-t", "--target-directory")), None)
            sources = operands if target_dir is not None else operands[:-1]
            operands = [target_dir] if target_dir is not None else operands[-1:] if len(operands) > 1 else []
        for raw in operands:
            if "://" in raw:
                continue  # an object store's, not the container's
            path = _expanded(raw, env)
            if path is None:
                if cmd.name == "ln" or cmd.name == "rm" and recursive:
                    return " ".join(w.text for w in cmd.argv[:4]), ""
                continue
            if not path.startswith("/"):
                if not workload.workdir:
                    continue
                path = posixpath.join(workload.workdir, path)
            path = posixpath.normpath(path)
            # into a directory that exists, `cp -R /etc/ca/tls /etc/ray` writes /etc/ray/tls (a mount there)
            into = [posixpath.join(path, posixpath.basename(src.rstrip("/"))) for src in sources if src.rstrip("/")]
            if any(_left_writable(workload, p, listed) for p in (path, *into)):
                continue
            if cmd.name == "rm" and not _built_there(workload, path):
                continue  # a path that may not exist (`rm -f /var/run/app.pid`): unlink answers ENOENT before EROFS
            if name == "mkdir" and _built_there(workload, path):
                continue  # a directory the image may have: mkdir answers EEXIST before EROFS, and `-p` takes it
            return " ".join(w.text for w in cmd.argv[:4]), path
    return None


def _store_copy(name: str, words: list[str]) -> list[str] | None:
    """The words of an object-store CLI's copy after its verb (`gcloud storage cp -r gs://b/m /data/` -> `-r
    gs://b/m /data/`), else None."""
    for prefix, verbs in _STORE_COPIES.items():
        if name != prefix[0] or words[:len(prefix) - 1] != list(prefix[1:]):
            continue
        rest = words[len(prefix) - 1:]
        at = next((i for i, w in enumerate(rest) if not w.startswith("-")), None)
        if at is not None and rest[at] in verbs:
            return [w for w in rest[at + 1:] if not w.startswith("-")]  # (`-r`, `--recursive`, `-m`: no values)
    return None


def _built_there(workload: Workload, path: str) -> bool:
    """Whether the image's build puts something at `path` or names it (its `WORKDIR` or a path in it, a `COPY`
    target, a build step's absolute operand: a clone, a `mkdir`), so that removing it writes the image's files."""
    if workload.build_steps and workload.workdir and workload.workdir.startswith("/") and \
            _within(path, posixpath.normpath(workload.workdir)):
        return True  # (a scanned build's WORKDIR; a compose `working_dir:` alone says nothing of what is there)
    if any(_within(path, c) or _within(c, path) for c, _loc in workload.copied_in if c.startswith("/")):
        return True
    env = {v.name: v.value for v in workload.env if v.value is not None and not v.dynamic and "$" not in v.value}
    named = (_expanded(w.text, env) for cmd in workload.build_steps for w in cmd.args)
    return any(n is not None and n.startswith("/") and n != "/" and (_within(path, posixpath.normpath(n)) or
                                                                    _within(posixpath.normpath(n), path)) for n in named)


def _expanded(word: str, env: dict[str, str]) -> str | None:
    """`word` with its `$NAME`/`${NAME}` read from `env`, None when one is not there or another expansion is left."""
    import re

    def value(m: re.Match[str]) -> str:
        got = env.get(m.group(1) or m.group(2))
        if got is None:
            raise KeyError
        return got

    try:
        out = re.sub(r"\$\{(\w+)\}|\$(\w+)", value, word)
    except KeyError:
        return None
    return None if "$" in out or "`" in out or "*" in out else out


def _made_for_the_user(workload: Workload, listed: list[str]) -> tuple[str, str] | None:
    """(directory, user) of a directory the image's build makes (`mkdir`, an absolute path) and gives to a user other
    than root (`chown`, of it or, with `-R`, of a directory above it), which no writable mount holds: made empty
    for the app to write there (PrivateGPT's `mkdir -p /home/worker/app/local_data && chown -R worker
    /home/worker/app`), which a read-only root forbids (review A22 X2: GLM004 must not break what the build gave the
    user). Variables are read as the build's shell reads them."""
    if not workload.build_steps:
        return None
    from glmlint.buildfiles import chown_operands
    from glmlint.shell import getopt
    from glmlint.sudoers import resolved_steps

    steps = resolved_steps(workload)
    path_var = workload.env_value("PATH")
    programs = [e for e in (path_var.value or "").split(":") if e.startswith("/")] if path_var is not None else []
    workdir = posixpath.normpath(workload.workdir) if workload.workdir and workload.workdir.startswith("/") else ""
    # made empty: not the app's own directory (its WORKDIR or above), not one the build copies files into, not an
    # install location (a PATH entry in it: conda's /opt/conda, a venv)
    made = [p for p in (posixpath.normpath(p) for name, words in steps if name == "mkdir"
                        for p in getopt(words, ("-m", "--mode", "--context"))[1] if p.startswith("/") and "$" not in p)
            if not (workdir and _within(workdir, p)) and not any(_within(c, p) for c, _loc in workload.copied_in)
            and not any(_within(e, p) for e in programs)]
    if not made:
        return None
    for name, words in steps:
        got = chown_operands(words) if name == "chown" else None
        if got is None or got[0] in ("", "root", "0") or "$" in got[0]:
            continue
        recursive = any(w in ("-R", "--recursive") or w.startswith("-") and not w.startswith("--") and "R" in w
                        for w in words)
        for target in (posixpath.normpath(t) for t in got[1] if t.startswith("/") and "$" not in t):
            for path in made:
                if not (path == target or recursive and _within(path, target)):
                    continue
                if _left_writable(workload, path, listed):
                    continue
                return path, got[0]
    return None


def covers(mount: Mount, path: str) -> bool:
    """Whether the writable `mount` holds `path`."""
    target = mount.target.rstrip("/") or "/"
    return not mount.read_only and (path == target or path.startswith(target.rstrip("/") + "/"))


def _fix(workload: Workload, listed: list[str], entry: str) -> Intent | tuple[Intent, ...]:
    """`read_only` with a writable `/tmp` (tmpfs or emptyDir, added by the fix engine), and a writable
    mount at each path the image (or the program its start command runs: `jupyter lab` on python, `program_fact`)
    is known to write at start (images.yaml `writable_paths`) and, in
    Kubernetes, at each VOLUME of its own it writes to (`volumes`)."""
    ro = workload.read_only_rootfs
    if not listed:
        return set_value(ro, "read_only_rootfs", True, title="Make the root filesystem read-only")
    title = f"Make the root filesystem read-only, with writable mounts where the `{entry}` image writes ({', '.join(listed)})"
    return (set_value(ro, "read_only_rootfs", True, title=title),
            *(ensure_item(ro, "writable_paths", p, title="") for p in listed))


def _writable(workload: Workload) -> tuple[list[str], str]:
    """The paths besides /tmp the read-only fix makes writable (`_fix`), and the image entry that says so."""
    image = workload.entry_image()
    paths = program_fact(workload, "writable_paths")
    volumes = fact(image, "volumes") if workload.format is Format.KUBERNETES else None
    moved = _moved(workload)[0]
    if paths is None and volumes is None and not moved:
        return [], ""
    home = _home(workload)
    listed: list[str] = []
    # the image's VOLUMEs: CRI-O's default (`image_volumes = "mkdir"`) makes them directories of the read-only
    # root, where containerd binds one of its own (Docker: an anonymous volume): an emptyDir serves both
    written = [*(paths.value if paths is not None else ()),
               *(path for path, programs in (volumes.value.items() if volumes is not None else ())
                 if _runs_its_server(workload, programs)), *moved]
    for path in map(str, written):
        if path.startswith("~/"):
            if home is None:
                continue  # a user whose home the scan does not know: where its cache goes is unknown
            path = posixpath.join(home, path[2:])
        if path != "/tmp" and not path.startswith("/tmp/") and path not in listed \
                and not any(path.startswith(p.rstrip("/") + "/") for p in listed):  # under one made writable
            listed.append(path)
    if not listed:
        return [], ""
    entry = paths.entry if paths is not None else volumes.entry if volumes is not None \
        else program_fact(workload, "writable_env").entry  # type: ignore[union-attr]
    return listed, entry


def _built_under(workload: Workload, path: str) -> str | None:
    """What the scanned build puts under `path`, which an empty tmpfs or emptyDir there would hide (reread23
    R2), else None: a `COPY`/`ADD` there; a `pip install` of the user's own (`--user`, or any pip install when
    `path` is a non-root home's `~/.local`: pip as a user who cannot write site-packages installs there, pip
    `_internal/commands/install.py` `decide_user_install`); a model download into the Hugging Face cache there
    (`huggingface-cli download`/`hf download` with no `--local-dir`, huggingface_hub's cache under `~/.cache`)."""
    from glmlint.rules.glm001_run_as_root import pip_elsewhere

    def under(p: str) -> bool:
        p = posixpath.normpath(p)
        return p == path or p.startswith(path.rstrip("/") + "/") or path.startswith(p.rstrip("/") + "/")

    for dest, _loc in workload.copied_in:
        if dest.startswith("/") and under(dest):
            return f"its build copies `{dest}` there"
    local = path.endswith("/.local") and not path.startswith("/root/")
    cache = path.rstrip("/").endswith("/.cache") or "/.cache/huggingface" in path
    for cmd in workload.build_steps:
        words = [w.text for w in cmd.args]
        pip = cmd.name in ("pip", "pip3") or (cmd.name.startswith("python") and words[:2] == ["-m", "pip"])
        if pip and "install" in words and ("--user" in words or local) and not pip_elsewhere(words):
            return (f"its build's `{cmd.name} install` puts packages there" if "--user" in words else
                    f"its build's `{cmd.name} install` may put packages there (as a user who cannot write "
                    f"site-packages, pip installs into ~/.local; the scan does not know which user the RUN runs as)")
        if cache and (cmd.name == "huggingface-cli" or cmd.name == "hf") and "download" in words[:1] \
                and not any(w.startswith("--local-dir") for w in words):
            return f"its build's `{cmd.name} download` puts a model there"
    return None


def _moved(workload: Workload) -> tuple[list[str], tuple[str, str] | None]:
    """Where the workload's variables move what the image writes at start (images.yaml `writable_env`: the
    Hugging Face cache `HF_HOME=/models` moves vLLM's download to /models): the absolute paths they are set
    to; and (variable, image entry) for one set to a value the scan cannot read (`${HF_HOME}`, `valueFrom`,
    a path relative to a directory it does not know), where no mount can be placed."""
    env = program_fact(workload, "writable_env")
    if env is None:
        return [], None
    out = []
    for name in env.value:
        var = workload.env_value(name)
        if var is None:
            continue
        value = (var.value or "").strip()
        if value.startswith("~/") and not var.dynamic:
            home = _home(workload)
            value = posixpath.join(home, value[2:]) if home is not None else ""
        if var.dynamic or not value.startswith("/") or value == "/" or "$" in value or "`" in value:
            return out, (f"`{name}`", env.entry)
        out.append(posixpath.normpath(value))
    return out, None


def _runs_its_server(workload: Workload, programs: list[str]) -> bool:
    """Whether the container starts the image's own server: its own entrypoint (no `command:`), or a start
    command that runs one of `programs` (`redis-server /etc/redis.conf`); a client pod's `sleep` is not."""
    return not workload.entrypoint.explicit or any(c.name in programs for c in workload.process)


def _home(workload: Workload) -> str | None:
    """The HOME the container's process starts with, where the scan knows it: the workload's own `HOME`,
    else the image's (images.yaml `env`), else root's `/root` for a container that runs as root (the
    runtime, runc's `setupUser`, sets HOME from the user's /etc/passwd entry when nothing sets it), the home of an
    account the scanned build makes with one (`useradd -m app`: /home/app, `-d DIR`: DIR); None for another
    user, whose account the scan does not see."""
    home = set_home(workload)
    if home is not None:
        return home or None
    user = workload.user.value
    non_root = workload.run_as_non_root is not None and workload.run_as_non_root.value
    if user is None and default_user(workload.entry_image()) is None and not non_root \
            or user is not None and user.is_root() is True:
        return "/root"
    if user is not None and user.resolved and workload.format is not Format.KUBERNETES and workload.build_steps:
        # an account the scanned build makes with its home (`useradd -m app`; GLM001's fix names it): runc sets
        # HOME from its /etc/passwd entry (reread22 R1: `user: app` + read-only kept /home/app read-only)
        from glmlint.sudoers import built_accounts

        for account in built_accounts(workload):
            if account.home and account.home_dir and (user.name == account.login or user.name == account.uid):
                return account.home_dir
    return None
