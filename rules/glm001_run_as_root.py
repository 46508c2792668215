"""Container runs as root.

## What it does
Flags a workload whose process runs as uid 0: a Dockerfile whose final stage's
effective `USER` is `root`/`0` (or that never sets one, on a base image that
runs as root), a compose service with
`user: root`/`0` or built from a scanned Dockerfile that runs as root, a
`docker run` with `-u 0`/`--user root` (without `--user` the container runs as
its image's `USER`, which the scan does not know for an image pulled by name,
as for a compose service with only `image:`), and a
Kubernetes container whose effective `runAsUser` is 0 or that has neither
`runAsNonRoot: true` nor a non-zero `runAsUser` (pod-level values inherited,
the container's own winning).

Without a `USER` (or `runAsUser`) a container runs as its image's default
user. glmlint knows it for the well-known images that publish a non-root one
(`gcr.io/distroless/*:nonroot`, Chainguard's, the Jupyter Docker Stacks,
`nginxinc/nginx-unprivileged`, `rayproject/ray`: see
[the image catalog](../images.md)); a Dockerfile stage built on one of those,
or a `FROM`-only re-tag of one, is not reported. Any other base is taken to run
as root.

A Dockerfile whose final stage can start nothing is not reported: its chain
sets no `CMD` or `ENTRYPOINT` and its base has none either (`FROM scratch`,
or a base the catalog lists as having no default command, such as
`gcr.io/distroless/static`). Such an image is an artifact that other builds
copy files from (`COPY --from=`), or that a caller always runs with an explicit
command; glmlint assumes the former. Any other external base (`python`,
`nginx`) is assumed to bring a start command, so a stage that only copies files
onto it still runs as a container and is reported.

An image that starts as root only to switch its main program to another user
is not reported: the official postgres and redis images' `exec gosu postgres "$@"`,
and the same with `su-exec`, `setpriv --reuid`, `runuser -u`, `chroot --userspec`,
`s6-setuidgid`, `chpst -u`, `sudo -u` or `su USER -c`, to a user that is not root
(a variable counts: the image means to drop root). glmlint finds the switch in the
`ENTRYPOINT`/`CMD` when it runs the main program (`tini -- gosu app`, a script's
last command, or one the script `exec`s) and in an entrypoint script the image
copies from the build context (`COPY docker-entrypoint.sh /usr/local/bin/`), read
from disk beside the Dockerfile; a script that ends in `exec "$@"` runs the `CMD`,
which is then looked at. Only the container's first moments run as root there,
and a `USER` would break the switch (gosu cannot change user unless it is root).
A `gosu app` used for one setup step, with the server started as root after it,
is still reported. A compose service built from such an image keeps the switch
unless its `entrypoint:` (or a `command:`, when the switch is in the `CMD`)
replaces it. Kubernetes is asked for `runAsNonRoot` whatever the image does.

In a Windows pod (`spec.os.name: windows`) the user is
`securityContext.windowsOptions.runAsUserName` (pod or container), and
`ContainerAdministrator` is the administrator; `runAsUser` does not exist there,
so the finding carries no fix.

A Kubernetes container is still asked for `runAsNonRoot: true` or a
non-zero `runAsUser` whatever its image: only those make the kubelet refuse to
start it as root.

A container whose effective `runAsUser` is 0 while its effective
`runAsNonRoot` is true (one set on the pod, the other on the container, is
the usual way to get there) does not run as root: the kubelet refuses to
create it (`CreateContainerConfigError`, "container's runAsUser breaks
non-root policy") and the pod never becomes ready. It is still reported, at
the `runAsUser: 0`, with risk `low` and a message that says the kubelet
refuses it: the written uid asks for root, and the edit that makes the pod
start by removing the check (`runAsNonRoot: false`) would run it as root.
The fix sets a non-zero uid, which makes it start as a non-root user.

A pod with `hostUsers: false` runs in a user namespace (KEP-127): uid 0 inside is
an unprivileged uid on the node, so its root is not the host's root. Its
containers are still reported (root inside the container can still change every
file of the image, and a cluster with user namespaces off drops the field: the
`UserNamespacesSupport` feature gate is on by default from Kubernetes 1.33), with
risk `low`, as hardening, and a message that says so. The Pod Security admission
controller exempts such pods from runAsNonRoot/runAsUser from v1.35
([GLM037](GLM037.md), [GLM038](GLM038.md)).

A compose service built from a root image is reported beside the Dockerfile:
`user:` in the service and `USER` in the Dockerfile are independent fixes, and
the service's message names the Dockerfile line.

## Kind
Where no setting names a user, the finding is of kind `hardening`: an absent
protection, on the workload's one line of missing hardening in the text report,
and reported only in deployment files by default. A root user written in the
file (`USER root` left in the final stage, `user: root`, `runAsUser: 0`,
`docker run -u 0`) is a choice that weakens isolation: that finding is of kind
`misconfiguration`, on its own line, reported in every context (a README a
reader copies, a test stack, a dev container) and by the `essential` profile
(see [context](../context.md)).

## Why is this bad?
Root in the container is root on the host's kernel: one escape (a runtime or
kernel bug, a mounted socket) and the attacker owns the node. Model servers and
notebooks parse untrusted input all day; they need no root.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir vllm
CMD ["python", "-m", "vllm.entrypoints.openai.api_server"]
```
Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir vllm && useradd --uid 10001 --no-create-home app
USER 10001
CMD ["python", "-m", "vllm.entrypoints.openai.api_server"]
```

## Fix safety
Unsafe: files the process writes (caches, model downloads, `/root`) may not be
writable by the new user. The user the fix sets is the one you chose
(`glmlint fix --fix-user`, or the config's `fix-user`); else the image's own
non-root user when the [image catalog](../images.md) knows it (a Jupyter
Docker Stacks image, or a Dockerfile built on one, that is left at `USER root`
or started with `user: root` gets `1000`, jovyan: its home, conda directory
and `users` group are that user's, and Jupyter cannot start as another uid;
a Kubernetes `runAsUser` takes a uid, so an image whose user is a name gets its
account's uid where the catalog knows it: micromamba's `mambauser` is `57439`);
else, in a Dockerfile or a compose service built from one, the user the build makes (`useradd`, `adduser`)
and gives files to (`chown -R worker /home/worker/app`, or `COPY --chown=worker . .` as the Hugging Face Spaces
docs write it, by name or uid; the last such one): it owns what the
build meant the app to write (PrivateGPT's `local_data`), and has a name and a home, which another uid has not
(one made without a home, `useradd` without `-m` on Debian and Ubuntu, is not taken for an image that writes
under its home, nor one the build gives uid 0 or passwordless sudo, which would be root again: [GLM019](GLM019.md);
nor, when the image writes under its home at start, for a compose service whose root filesystem is
already read-only with no writable mount there: that home would stay read-only; beside it, the read-only
fix of [GLM004](GLM004.md) mounts a tmpfs at those paths in that user's home, `/home/app/.cache`);
else `10001`. That uid has no account in the image, so the runtime starts it with
`HOME=/` (runc sets HOME from `/etc/passwd` only when nothing else does, `/` for a
uid it does not find), where it cannot write: for an image the catalog knows to
write under its home at start (vLLM's and the Hugging Face hub's `~/.cache`,
Ollama's `~/.ollama`, MinIO's `~/.minio`), the compose, Kubernetes and `docker run`
fix also sets `HOME=/tmp`, and the Dockerfile fix writes `ENV HOME=/tmp` beside its
`USER` (Docker's daemon sets no HOME either), unless the workload or the image sets
`HOME` or variables the scan cannot read may. A `HOME` set to root's own (`ENV HOME=/root`, frequent in CUDA
and conda Dockerfiles, or a directory in it; `HOME=/` too) counts as none: `/root` is root's and mode 0700
in the Debian, Ubuntu and Alpine bases, so the fix replaces it where it is written (compose `environment:`,
Kubernetes `env:`, `-e HOME=/root`) and a Dockerfile's `ENV HOME=/tmp` goes after the stage's last `ENV HOME`,
unless a build step opens `/root` (`chmod`/`chown` of it). So does a `HOME` of the workload's own that its
build makes as root (`ENV HOME=/workspace` with `RUN mkdir -p /workspace` or `WORKDIR /workspace`, mode 0755,
root's) unless a build step opens it or a volume is mounted there; one under `/tmp` is every uid's. When the
build fills that home (a `COPY` into it, `COPY jupyter_server_config.py /workspace/.jupyter/`, or a build step
that may write under it, `huggingface-cli download`), no fix is offered: moving HOME loses what the build put
there (Jupyter's config, the model cache), and the finding says to `chown` the home to the non-root user.
No fix is offered where the start command installs packages (`pip install jupyterlab && jupyter lab`,
`apt-get install`; an image whose own start does, Open WebUI Pipelines'): as another uid pip cannot write the image's site-packages and installs under
`~/.local`, whose `bin` is not on PATH, and apt, apk, yum and dnf refuse; the finding says to install them in
the image build (an image whose own user owns its Python environment, the Docker Stacks', keeps the fix for
pip and conda). So does a start that generates code into the image's own files (`npx prisma generate`, which
writes `node_modules/.prisma/client`: AnythingLLM's entrypoint), and one that switches a process to another
user beside a main program that stays root (Perplexica's `sudo -H -u searxng …` for SearXNG, a `gosu app` step
before the server): only root switches users (sudo refuses a uid without an /etc/passwd entry), so as another
uid that step fails.
Such a uid has no name either: for an
image whose start asks for one (vLLM: torch's Inductor names its cache with
`getpass.getuser()`, which raises `KeyError: 'getpwuid(): uid not found'`), the fix
also sets `USER` to the uid it sets, unless `LOGNAME` or `USER` is already set.
In Kubernetes, a container that writes a claim (a `persistentVolumeClaim`, a StatefulSet's
`volumeClaimTemplates`, a generic ephemeral volume or a cloud disk) gets the pod's `securityContext.fsGroup`
beside the uid (with `fsGroupChangePolicy: OnRootMismatch` unless the pod sets a policy: under the default
`Always` the kubelet re-owns the whole volume at every mount, minutes for a large model cache), unless the pod
sets one: the claim's files are root's (a fresh filesystem's root directory,
or what the container wrote as root), and the kubelet gives them to that group, group-writable
(`SetVolumeOwnership`), and adds it to every container's groups. A hostPath or NFS share keeps its owner, and
so does a claim written in the scan with access modes that hold neither ReadWriteOnce nor ReadWriteOncePod
(a ReadWriteMany model cache shared by replicas on EFS, Filestore or NFS) or with `volumeMode: Block`: a CSI
driver's default `fsGroupPolicy` gives files to the fsGroup only for a ReadWriteOnce volume, so no fix is
offered for a container that writes one, and the finding says why (a claim not in the scan gets the fsGroup).
Nor for a container that mounts a Secret, ConfigMap, projected or downwardAPI volume whose `defaultMode` (or
an item's `mode`) gives others no read bit (a Kaggle or Hugging Face key with `0400`) while the pod sets no
`fsGroup`, or that starts a program from one without an execute bit the new uid holds (a start script from a
ConfigMap with `0700`): the kubelet writes those files root's, group-owned by the pod's fsGroup with only the
group's read bit added (`changeFilePermission`), so another uid could not read or run them.
No fix is offered where the new uid could not write what the workload writes at start: a file among the
image's own code (Open WebUI's `.webui_secret_key` without `WEBUI_SECRET_KEY`), or the data a cataloged
service keeps (Qdrant's `./storage`, MLflow's `mlflow.db`, Open WebUI's `data`: services.yaml `writes`) in
the image's own directory or on a volume that keeps its owner (a compose named volume, which Docker seeds
from the image's root-owned directory; a bind mount or hostPath); a tmpfs or an `emptyDir` every uid
writes, and a claim gets the fsGroup. A relative path where the scan does not know the directory it starts in
(FastChat's `controller.log` in LOGDIR, `.` unless set) is in its image's WORKDIR, `/` unless the image sets one,
root's in an image that runs as root (unless the workload mounts a volume, which may be that directory). The
finding says so.
No fix is offered where root is the workload's purpose (the finding itself, and its
message, are unchanged; a volume-permissions step's message says why):

- a volume-permissions step that runs `chown` on a mounted volume, and node
  agents recognised by what they mount from the host: a device plugin or CSI
  node plugin (the kubelet's root-owned plugin directories), a log collector
  (`/var/log`, `/var/lib/docker/containers`: the runtime writes container logs
  readable by root only), an agent using the runtime's socket (`/run`,
  `/var/run`: Docker's, containerd's and CRI-O's sockets are root's), a CNI
  plugin's installer or agent (`/opt/cni/bin`, `/etc/cni/net.d`: the node's
  root-owned CNI directories, where it copies its binary and config), a node
  sysctl setter (the [purposes catalog](../images.md));
- a workload that mounts a volume, a bind mount or a claim in root's home (`~/.cache/huggingface:/root/.cache/huggingface`,
  a PVC at `/root/.cache/huggingface`, as the vLLM and TGI docs write them): another uid cannot enter
  `/root` to reach it, and a HOME moved to `/tmp` would download the model again into the container. The
  finding says to mount it outside `/root` and point the program at it (`HF_HOME`); a tmpfs or `emptyDir`
  there is scratch space the fix's HOME replaces, and does not count;
- a program the container starts from root's home: a program or file its start command names there
  (`python /root/app/main.py`), one found through an `ENV PATH` entry there that the build installs into
  (conda's `-p /root/miniconda3` with `PATH=/root/miniconda3/bin:$PATH`, `pip install --user` with
  `HOME=/root`), an interpreter `uv python install` put in `~/.local/share/uv/python` that the image's
  `LD_LIBRARY_PATH`, `PATH` or `PYTHONHOME` names (Text Generation Inference's image), or an app copied into
  a `WORKDIR` there: another uid cannot search `/root` to reach it
  (runc starts the program after it has changed the user), so the container could not start. The finding
  says to install it outside `/root` (`-p /opt/conda`); a build step that opens `/root` (`chmod 755 /root`)
  gets the fix;
- a container that listens on a port below 1024 (a cataloged service's listener, TGI's image on port 80; a
  Kubernetes `containerPort`) in Kubernetes or on the host's network: only root binds it where the runtime
  leaves `net.ipv4.ip_unprivileged_port_start` at 1024 (CRI-O, containerd before 2.0; Docker and Podman
  lower it in a network namespace of the container's own). The finding says to move the port above 1023 or
  set that sysctl in the pod's `securityContext.sysctls` (a safe sysctl); a pod that sets it gets the fix;
- a container that runs privileged or adds capabilities (other than
  `NET_BIND_SERVICE`): the runtime sets no ambient capabilities, so a process
  that is not uid 0 holds none of them
  ([kubernetes#56374](https://github.com/kubernetes/kubernetes/issues/56374)),
  and the fix would strip what the container was given. Reading `/proc` or
  `/sys` read-only (node-exporter) needs no root: the fix is offered.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import posixpath
import re

from glmlint.catalog.images import default_user, fact, set_home
from glmlint.catalog.purposes import purpose_of, under
from glmlint.catalog.services import program_fact
from glmlint.ir import Format, Mount, Setting, User, Workload
from glmlint.rule import (FIX_USER, Finding, FixSafety, Intent, Kind, Risk, Severity, ensure_item, rule,
                          set_value)


@rule(code="GLM001", slug="run-as-root", severity=Severity.ERROR, message="{name} runs as root",
      formats={Format.DOCKERFILE, Format.COMPOSE, Format.KUBERNETES}, fix=FixSafety.UNSAFE,
      tags=("security", "cwe-250"),
      kind=Kind.HARDENING, finding_kinds={Kind.MISCONFIGURATION}, risk=Risk.MEDIUM, checklist="a non-root user")
def check(workload: Workload) -> Iterator[Finding]:
    if not workload.runnable:
        return  # an image with nothing to start (`FROM scratch` + COPY): an artifact, not a container
    user = workload.user
    name = workload.label
    root = workload.runs_as_root()
    if workload.drops_root():
        # it starts as root only to switch its main program to a user (`exec gosu app "$@"`, the
        # official postgres/redis images' pattern): that program does not run as root, and a `USER`
        # would break the switch (gosu as a non-root user cannot change user)
        return
    # a pod with `hostUsers: false` runs in its own user namespace (KEP-127): its uid 0 is mapped to
    # an unprivileged uid of the node, so root there is not root on the host; still root inside the
    # container (and on a cluster that has user namespaces off, the API server drops the field)
    userns = workload.pod is not None and workload.pod.user_namespace
    risk, userns_kind = (Risk.LOW, Kind.HARDENING) if userns else (None, None)
    if root is True:
        if user.origin is None and not user.explicit and workload.partial:
            return
        fix, note, _held = _advice(workload, userns)
        if user.origin is not None:
            yield Finding(at=workload.anchor, fix=fix, args={"name": name},
                          message=f"{name} runs as root: its image, built from `{user.origin}`, "
                                  f"sets no non-root `USER` and the service sets no `user:`{note}")
        elif user.explicit and workload.format is Format.KUBERNETES and not workload.windows and \
                workload.run_as_non_root is not None and workload.run_as_non_root.value is True:
            # the kubelet checks the effective `runAsNonRoot` before it creates the container and refuses a
            # `runAsUser` of 0 (kubernetes pkg/kubelet/kuberuntime/security_context_others.go
            # `verifyRunAsNonRoot`, at 1f671eec): it never starts, as root or at all. The root it asks for
            # is one edit away (`runAsNonRoot: false` to make it start), so the written uid is reported
            yield Finding(at=user.loc, fix=fix, args={"name": name}, kind=userns_kind or Kind.MISCONFIGURATION,
                          risk=Risk.LOW, message=f"{name} asks to run as root (`runAsUser: {user.value.raw}`) under "  # type: ignore[union-attr]
                                                 f"`runAsNonRoot: true`: the kubelet refuses to start it{note}")
        elif user.explicit:
            # written in the file: a setting that weakens isolation, not an absent protection
            yield Finding(at=user.loc, fix=fix, args={"name": name}, kind=userns_kind or Kind.MISCONFIGURATION,
                          risk=risk, message=f"{name} runs as root (`{user.value.raw}`){note}")  # type: ignore[union-attr]
        else:
            yield Finding(at=workload.anchor, fix=fix, args={"name": name}, risk=risk,
                          message=f"{name} runs as root: no `USER` sets a non-root user{note}")
        return
    non_root = workload.run_as_non_root
    if root is None and non_root is not None and not non_root.value:
        if non_root.explicit:
            at = non_root.loc
        elif workload.partial:
            return
        else:
            at = workload.anchor
        fix, note, held = _advice(workload, userns)
        if fix is not None or (held and not note):
            fix = _non_root_image_fix(workload) or fix  # the image's own non-root uid: nothing is held back
        if workload.windows:
            yield Finding(at=at, fix=None, args={"name": name},
                          message=f"{name} may run as `ContainerAdministrator`: `runAsNonRoot` is not true and "
                                  "no `windowsOptions.runAsUserName` is set")
            return
        yield Finding(at=at, fix=fix, args={"name": name}, risk=risk,
                      message=f"{name} may run as root: `runAsNonRoot` is not true and no non-zero "
                              f"`runAsUser` is set{note}")


def _advice(workload: Workload, userns: bool) -> tuple[Intent | None, str, bool]:
    """The fix a finding carries, the note its message ends with, and whether the user a fix would set
    is held back: worked out only for a workload that has a finding (most of the ~2,400 workloads of a
    real tree that run as a non-root user need none of it: the image catalog's users, the purposes)."""
    # a Windows pod takes `runAsNonRoot` but refuses `runAsUser`: no fix writes a uid there
    fix = None if workload.windows else _user_fix(workload)
    note = ""
    if any(True for _ in workload.runs("sshd")):
        # sshd binds port 22, reads its root-only host keys and switches to the user who logs in
        fix, note = None, (" (no automatic fix: it starts sshd, which needs root to switch to the user "
                           "who logs in; run sshd without root only with its UsePrivilegeSeparation/port "
                           "settings adapted, or drop sshd)")
    # the user a fix would set is held back for the reasons below; a `runAsNonRoot: true` that only
    # checks the uid an image already runs as (`_non_root_image_fix`) changes nothing and stays
    held = False
    if fix is not None and (workload.process or workload.mounts):
        # `chown` of a mounted volume, a device plugin's socket, a log collector's root-only logs:
        # as another user it fails, and so does the pod
        purpose = purpose_of(workload, "root")
        if purpose is not None:
            fix, held = None, True
            if purpose.needs and purpose.commands:
                note = purpose.note()  # a volume-permissions step: its message has always said so
    if fix is not None and (why := _in_roots_home(workload)):
        # a volume mounted in /root (`~/.cache/huggingface:/root/.cache/huggingface`, a PVC there): another uid
        # cannot enter /root to reach it, and a HOME moved to /tmp downloads the model again into the container
        fix, note, held = None, why, True
    if fix is not None and (why := _kept_claims(workload)):
        # a ReadWriteMany claim (the model cache replicas share): the kubelet leaves its files their owner
        fix, note, held = None, why, True
    if fix is not None and (why := _switches_user(workload)):
        # Perplexica's entrypoint starts SearXNG with `sudo -H -u searxng` beside its root main program: only root
        # switches users (sudo also refuses a uid with no /etc/passwd entry)
        fix, note, held = None, why, True
    if fix is not None and (why := _owner_only_files(workload)):
        # a Kaggle key mounted from a Secret with `defaultMode: 0400`, a start script from a ConfigMap with
        # 0700: the kubelet writes them root's, and another uid can neither read nor run them
        fix, note, held = None, why, True
    if fix is not None and (why := _root_owned_writes(workload)):
        # Open WebUI's key file among its code, Qdrant's `./storage`, MLflow's `mlflow.db` where it starts, a
        # named volume Docker seeded from the image's root-owned directory: another uid cannot write them
        fix, note, held = None, why, True
    if fix is not None and (low := _low_ports(workload)):
        fix, held = None, True
        note = (f" (no automatic fix: it listens on port {', '.join(map(str, low))}, below 1024, which only root "
                f"binds where the runtime leaves `net.ipv4.ip_unprivileged_port_start` at 1024 (CRI-O, containerd "
                f"before 2.0, the host's network): listen on a port above 1023"
                + ("" if workload.host_network.value or workload.format is not Format.KUBERNETES else
                   " or set that sysctl to 0 in the pod's `securityContext.sysctls`")
                + ", then run as a non-root user)")
    if fix is not None and (why := _filled_home(workload)):
        # `ENV HOME=/workspace` + `COPY jupyter_server_config.py /workspace/.jupyter/`: HOME moved to /tmp loses
        # it, and unmoved the new uid cannot write there (re-read 21 R1)
        fix, note, held = None, why, True
    if fix is not None and (why := _installs_at_start(workload)):
        # `pip install jupyterlab && jupyter lab` on python:3.12-slim: as another uid pip cannot write the image's
        # site-packages and installs under ~/.local, whose bin is not on PATH, or fails (review A21 X2)
        fix, note, held = None, why, True
    if fix is not None and _root_powers(workload):
        # privileged, or capabilities only uid 0 holds. The message is kept as it was (and so are
        # the baselines and SARIF fingerprints that hash it: glmlint.fingerprint); the rule page says why
        fix, held = None, True
    if userns:
        note = _USERNS_NOTE + note
    return fix, note, held


_USERNS_NOTE = (" (in a user namespace, `hostUsers: false`: its uid 0 is an unprivileged uid on the node "
                "where user namespaces are on, the default from Kubernetes 1.33)")


def _user_fix(workload: Workload) -> Intent | tuple[Intent, ...]:
    """Set the image's own non-root user when the image catalog knows it (the Jupyter Docker Stacks'
    1000, whose home, conda directory and `users` group are that user's: another uid cannot write
    them and Jupyter fails to start), else the configured fix user."""
    image = workload.image.value if workload.image is not None else None
    known = default_user(image) or default_user(workload.base_image)
    own = str(known.value) if known is not None else ""
    if own and not own.isdigit() and workload.format is Format.KUBERNETES:
        # `runAsUser` takes a uid only: the image's user name as the uid the catalog knows its account has
        # (micromamba's `mambauser`, 57439)
        accounts = fact(image, "accounts") or fact(workload.base_image, "accounts")
        uid = accounts.value.get(own) if accounts is not None and isinstance(accounts.value, dict) else None
        own = str(uid) if uid is not None else ""
    claims = _claims(workload) if workload.pod is not None and workload.pod.context.fs_group is None else []
    anchor = Setting((), workload.anchor, explicit=False)
    if own and own != "0":
        if claims:  # a notebook's home on a claim: root's until the kubelet gives it to the pod's group
            return (set_value(workload.user, "user", own, title=f"Run as the image's own non-root user {own}, with "
                                                                f"{_fs_group_why(own, claims)}"),
                    ensure_item(anchor, "fs_group", own, title=""))
        return set_value(workload.user, "user", own, title=f"Run as the image's own non-root user {own}")
    home = _home_writes(workload)
    if (made := _build_user(workload, home)):
        how = "`chown`" if _chowned_to(workload, made) else "`COPY --chown`"
        return set_value(workload.user, "user", made, title=f"Run as `{made}`, the user the image build makes and "
                                                           f"gives its files to ({how})")
    named = _needs_name(workload)
    if home or named or claims:
        # a uid with no account in the image's /etc/passwd starts with HOME=/ (runc's `setupUser` default,
        # used when neither the image nor the container sets HOME), which it cannot write: the caches the
        # image keeps under its home go to /tmp, writable by every user (and a tmpfs or emptyDir under a
        # read-only root filesystem); and it has no name, which torch's Inductor asks for (`USER` answers it)
        why = []
        if home:
            given = set_home(workload)
            why.append(f"HOME=/tmp (the image writes under its home: {', '.join(home)}; "
                       + ((f"HOME={given} is root's, which that uid cannot write)" if _roots_home(workload, given)
                           else f"HOME={given} is a directory the build makes as root, which that uid cannot "
                                f"write)") if given else "without an account HOME is /, which it cannot write)"))
        if named:
            why.append(f"USER={FIX_USER} (the image's start asks for its user's name, which a uid without an "
                       f"account has not)")
        if claims:
            # a claim's files are root's (a fresh filesystem's root directory, or what root wrote there before):
            # the kubelet makes them the pod's fsGroup's, group-writable, and gives every container that group
            why.append(_fs_group_why(FIX_USER, claims))
        # a HOME the workload writes as root's (`HOME=/root`) is replaced where it is written
        var = workload.env_value("HOME")
        at = Setting((), var.loc, path=var.path) if var is not None and var.path and not var.env_file \
            and not var.loc.file else anchor
        return (set_value(workload.user, "user", FIX_USER,
                          title=f"Run as the non-root user {FIX_USER}, with {' and '.join(why)}"),
                *((ensure_item(anchor, "fs_group", FIX_USER, title=""),) if claims else ()),
                *((ensure_item(at, "env", f"HOME={_NEW_HOME}", title=""),) if home else ()),
                *((ensure_item(anchor, "env", f"USER={FIX_USER}", title=""),) if named else ()))
    return set_value(workload.user, "user", FIX_USER, title=f"Run as the non-root user {FIX_USER}")


def _build_user(workload: Workload, home_writes: list[str]) -> str:
    """The user the image build makes (`useradd`, `adduser`) and gives files to (`chown -R worker /home/worker/app`),
    the last such one, else "": the app's own account, which owns what the build meant it to write (a uid without
    an account owns nothing there, and starts with HOME=/). A Dockerfile's `USER` and a compose service's `user:`
    name it (Docker reads the image's /etc/passwd); a Kubernetes container's image is not built in the scan.
    One whose home the build does not make is not taken when the image writes under its home (`home_writes`), nor
    one with uid 0 or passwordless sudo for every command (review A22 X1, X4). Nor, when the image writes under
    its home at start, for a compose service whose root is read-only already without a writable mount at those
    paths (reread22 R1: Jupyter's runtime directory, the Hugging Face cache under ~/.cache): the fix's uid with
    HOME=/tmp keeps those writes in the tmpfs there. On a writable root GLM004's read-only fix, applied after this
    one, mounts a tmpfs at those paths in the user's home (its `_home`), so `user: app` + `read_only` starts."""
    if workload.format not in (Format.DOCKERFILE, Format.COMPOSE) or not workload.build_steps or \
            not workload.copy_owners and not any(cmd.name == "chown" for cmd in workload.build_steps):
        return ""
    from glmlint.sudoers import built_accounts

    owner = next((a for a in reversed(built_accounts(workload)) if a.owns), None)
    if owner is None or home_writes and not owner.home or "$" in owner.login or owner.uid == "0" or owner.sudo:
        return ""  # uid 0 (`useradd -o -u 0`) is root; one with passwordless sudo is root again (GLM019)
    if home_writes and workload.read_only_rootfs.value and not all(
            any(not m.read_only and _within(posixpath.join(owner.home_dir, p[2:]), posixpath.normpath(m.target))
                for m in workload.mounts) for p in home_writes):
        return ""  # a read-only root already: its home would stay read-only (GLM004 adds a tmpfs only beside its fix)
    return owner.login


def _chowned_to(workload: Workload, login: str) -> bool:
    """Whether a build step's `chown` gives files to `login` (by name or its uid), not only a `COPY --chown`
    (review A24 X3: the fix title names what gave the user its files)."""
    from glmlint.sudoers import built_accounts, chown_owners

    uid = next((a.uid for a in built_accounts(workload) if a.login == login), None)
    owners = chown_owners(workload)
    return login in owners or uid is not None and uid in owners


# package managers that install into the image's own directories (root's unless the image's own user owns them):
# the word that installs, after the program's options
_INSTALLERS = {"pip": ("install",), "pip3": ("install",), "conda": ("install", "create", "update"),
               "mamba": ("install", "create", "update"), "micromamba": ("install", "create", "update"),
               "apt-get": ("install",), "apt": ("install",), "apk": ("add",), "yum": ("install",),
               "dnf": ("install",), "microdnf": ("install",),
               # not a package, but the same write: `prisma generate` writes the client it generates into the
               # app's `node_modules/.prisma/client` (its default output; Prisma's docs, "Generating Prisma Client"),
               # the image's own files (AnythingLLM's entrypoint runs `npx prisma generate` before its server)
               "prisma": ("generate",)}
# programs that write generated code, not packages, into the image's own directories (messages say so)
GENERATORS = ("prisma",)
# those that need root whoever owns the Python environment: the system's packages
_SYSTEM_INSTALLERS = ("apt-get", "apt", "apk", "yum", "dnf", "microdnf")
# pip options that put what it installs elsewhere than the environment's site-packages or the user's
_PIP_ELSEWHERE = ("--target", "-t", "--prefix", "--root")


def _installs_at_start(workload: Workload) -> str:
    """Why no non-root user can run the workload, else "": its start command installs packages (`pip install
    jupyterlab && jupyter lab`, `apt-get install -y ffmpeg`), which writes the image's site-packages or system
    directories, root's. As another uid pip finds site-packages not writeable and installs under
    `$HOME/.local` (its `--user` default), whose `bin` is not on the image's PATH, or fails where HOME is `/`;
    apt, apk, yum and dnf refuse. An image whose own non-root user owns its Python environment (the Docker
    Stacks' conda directory, jovyan's: the image catalog's user) keeps the fix for pip and conda."""
    own = default_user(workload.image.value if workload.image is not None else None) or \
        default_user(workload.base_image)
    owned = own is not None and str(own.value) not in ("0", "root")
    if not owned:
        if (image := image_installs(workload)) is not None:  # Open WebUI Pipelines (field24 F24-7)
            return (f" (no automatic fix: the `{image[0]}` image's own start installs packages (`{image[1]}`), which "
                    f"writes the image's own directories, root's: as another uid pip installs under ~/.local, off "
                    f"PATH, or fails; install them in an image built from it, then run as a non-root user)")
    got = start_install(workload, owned=owned)
    if got is None:
        return ""
    program, shown = got
    what = "generates code" if program in GENERATORS else "installs packages"
    return (f" (no automatic fix: its start command {what} (`{shown}`), which "
            f"writes the image's own directories, root's: as another uid "
            + ("pip installs under ~/.local, off PATH, or fails" if program == "pip" or program == "pip3"
               else f"{program} fails")
            + ("; generate it" if program in GENERATORS else "; install them") + " in the image build, then run as a "
            "non-root user)")


def image_installs(workload: Workload) -> tuple[str, str] | None:
    """(image entry, the command) when the image's own start installs packages into its site-packages (images.yaml
    `start_installs`: Open WebUI Pipelines' `pip install` of each pipeline's requirements as it loads it, field24
    F24-7), while its entrypoint runs (no `entrypoint:`/k8s `command:` replaces it)."""
    installs = fact(workload.entry_image(), "start_installs")
    if installs is None or workload.entrypoint is not None and workload.entrypoint.explicit:
        return None
    return installs.entry, str(installs.value)


def start_install(workload: Workload, *, owned: bool = False,
                  elsewhere: Callable[[str], bool] = lambda _path: True) -> tuple[str, str] | None:
    """(program, the command as written up to its first package) of the first package install the start command
    runs into the image's own directories (site-packages, the system's), else None. `owned`: the image's own
    non-root user owns its Python environment (pip and conda are not counted); `elsewhere(dir)`: whether pip's
    `--target`/`--prefix`/`--root` directory is out of the question (GLM001: any; GLM004: a writable one)."""
    for cmd in workload.process:
        words = [w.text for w in cmd.argv]
        if not words:
            continue
        program = cmd.name
        rest = words[1:]
        if program.startswith("python") and rest[:2] == ["-m", "pip"]:
            program, rest = "pip", rest[2:]
        if program == "npx" and rest[:1] == ["prisma"]:  # npx runs the package's own binary
            program, rest = "prisma", rest[1:]
        verbs = _INSTALLERS.get(program)
        if verbs is None or owned and program not in _SYSTEM_INSTALLERS:
            continue
        if program in ("pip", "pip3") and any(elsewhere(d) for d in pip_elsewhere(rest)):
            continue  # into a directory of its choosing (`--target /tmp/deps`), not the image's site-packages
        # a system package manager's options may take a value before the verb (`apt-get -o DPkg::Lock::Timeout=60
        # install`)
        at = next((i for i, w in enumerate(rest) if w in verbs), None) if program in _SYSTEM_INSTALLERS \
            else next((i for i, w in enumerate(rest) if not w.startswith("-")), None)
        if at is not None and rest[at] in verbs:
            # as written up to the first package (`pip install -U huggingface_hub`)
            first = next((i for i in range(at + 1, len(rest)) if not rest[i].startswith("-")), len(rest) - 1)
            return program, " ".join(words[:len(words) - len(rest) + first + 1])
    return None


def pip_elsewhere(words: list[str]) -> list[str]:
    """The directories pip's `--target`/`-t`/`--prefix`/`--root` name in `words` ("" when the value is not there)."""
    out = []
    for i, w in enumerate(words):
        for f in _PIP_ELSEWHERE:
            if w == f:
                out.append(words[i + 1] if i + 1 < len(words) else "")
            elif w.startswith(f + "="):
                out.append(w[len(f) + 1:])
    return out


def _fs_group_why(uid: str, claims: list[str]) -> str:
    return (f"the pod's fsGroup {uid} (the volume {', '.join(f'`{c}`' for c in claims)} it writes is root's: the "
            f"kubelet gives it to that group)")


_NEW_HOME = "/tmp"
# where a fix can set a variable beside the user (`environment:`, `env:`, `--env`, `ENV`)
_ENV_FORMATS = (Format.COMPOSE, Format.KUBERNETES, Format.DOCKER_RUN, Format.DOCKERFILE)


def _home_writes(workload: Workload) -> list[str]:
    """The paths under its home the image writes at start (images.yaml `writable_paths` written `~/…`), when
    the user a fix sets would start with a HOME it cannot write: neither the workload nor the image sets
    HOME, nor may variables the scan cannot read (`envFrom`, an unread `env_file`). A Dockerfile built on
    such an image gets `ENV HOME=/tmp` beside its `USER`: Docker's daemon gives the container PATH, HOSTNAME
    (TERM) and the image's `Env`, never HOME (moby daemon/container/container.go `CreateDaemonEnvironment`,
    at 006e71b1); runc sets it only when unset, from the uid's /etc/passwd entry, `/` for a uid without one
    (libcontainer/init_linux.go `setupUser`, at c9019ea9)."""
    if workload.format not in _ENV_FORMATS or workload.env_imports:
        return []
    home = set_home(workload)
    if home is not None and not _roots_home(workload, home) and not _built_home(workload, home):
        return []
    paths = program_fact(workload, "writable_paths")
    return [str(p) for p in paths.value if str(p).startswith("~/")] if paths is not None else []


def _roots_home(workload: Workload, home: str) -> bool:
    """Whether the HOME the workload or its image sets is one the fix's uid cannot write: root's (`/root`, or
    a directory in it: `ENV HOME=/root`, frequent in CUDA and conda Dockerfiles, is mode 0700 and root's in
    the Debian and Ubuntu bases, `base-files`), or `/`; unless a build step opens it (`chmod`/`chown` of it)."""
    home = posixpath.normpath(home) if home else ""
    if home != "/" and home != "/root" and not home.startswith("/root/"):
        return False
    for cmd in workload.build_steps:
        if cmd.name in ("chmod", "chown", "chgrp") and any(
                (w := posixpath.normpath(a.text)) == "/root" or home.startswith(w + "/") or w == home
                for a in cmd.args if a.text.startswith("/")):
            return False
    return True


def _within(path: str, top: str) -> bool:
    """Whether `path` is the directory `top` (normalized) or inside it."""
    path = posixpath.normpath(path)
    return path == top or path.startswith(top + "/")


# directories every uid may write (mode 1777 in the Debian, Ubuntu and Alpine bases)
_SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def _built_home(workload: Workload, home: str) -> bool:
    """Whether the HOME the workload sets (not its image's) is a directory its image build makes as root: a
    `RUN mkdir` of it (or of a directory in it: `mkdir -p` makes the parents), its `WORKDIR`, or the target of a
    `COPY`/`ADD` into it, while no build step opens it (`chmod`/`chown` of it or above, `_roots_home`'s test) and
    nothing is mounted there. Such a directory is root's, mode 0755: the fix's uid cannot make its caches in
    it (jupyter_core's runtime directory under ~/.local, `ensure_dir_exists` at start), as under `/` (review
    A21 X1). A directory that every uid writes (/tmp) is none."""
    if workload.env_value("HOME") is None:
        return False  # the image's own HOME (the catalog's): judged by the catalog's facts
    home = posixpath.normpath(home) if home else ""
    if not home or home == "/" or any(home == d or home.startswith(d + "/") for d in _SCRATCH_DIRS):
        return False
    inside = lambda p: _within(p, home)  # noqa: E731
    if any(m.target.startswith("/") and (inside(m.target) or home.startswith(posixpath.normpath(m.target) + "/"))
           for m in workload.mounts):
        return False  # a volume there: its owner is not the build's
    for cmd in workload.build_steps:
        if cmd.name in ("chmod", "chown", "chgrp") and any(
                (w := posixpath.normpath(a.text)) == home or home.startswith(w + "/") or w.startswith(home + "/")
                for a in cmd.args if a.text.startswith("/")):
            return False  # opened (or something in it given away: not judged)
    made = any(cmd.name == "mkdir" and any(a.text.startswith("/") and inside(a.text) for a in cmd.args)
               for cmd in workload.build_steps)
    return made or bool(workload.workdir and workload.workdir.startswith("/") and inside(workload.workdir)) \
        or any(inside(path) for path, _loc in workload.copied_in if path.startswith("/"))


# build steps that put nothing a program reads from its home there: directories and their modes, and the package
# managers, whose own cache under ~ (`~/.cache/pip`) nothing reads at start
_HOME_NEUTRAL = frozenset(("mkdir", "chmod", "chown", "chgrp", "rm", "ln", "cd", "echo", "true", "useradd",
                           "adduser", "groupadd", "addgroup", "usermod")) | frozenset(_INSTALLERS)


def _filled_home(workload: Workload) -> str:
    """Why no uid fix keeps the workload running, else "": the HOME it sets is a directory the build makes as
    root (`_built_home`) and fills, while the image writes under its home (`_home_writes`). The new uid
    cannot write there (jupyter_core's runtime directory), and a HOME moved to /tmp loses what the build put
    there: the config a `COPY` puts in `~/.jupyter` (jupyter_core `jupyter_config_dir`: `$HOME/.jupyter`, at
    jupyter/jupyter_core f78943c8), the model a `huggingface-cli download` keeps in `~/.cache/huggingface`
    (huggingface_hub `hf_cache_home`, at 264537b5). Filled: a `COPY`/`ADD` into it, or a build step other than
    `_HOME_NEUTRAL`'s (what it writes under ~ is not read here); an empty home (`WORKDIR`, `mkdir`) moves."""
    home = set_home(workload)
    if not home or not _built_home(workload, home) or not _home_writes(workload):
        return ""
    home = posixpath.normpath(home)
    copied = next((path for path, _loc in workload.copied_in if path.startswith("/") and _within(path, home)), None)
    step = next((cmd for cmd in workload.build_steps if cmd.name not in _HOME_NEUTRAL), None)
    if copied is None and step is None:
        return ""
    what = f"the build copies `{copied}` there" if copied is not None else \
        f"the build may fill it (`{' '.join(w.text for w in step.argv[:3])}`)"
    return (f" (no automatic fix: its HOME {home} is a directory the build makes as root and {what}: another uid "
            f"cannot write there, and a HOME moved elsewhere loses it; `chown` {home} to the non-root user in the "
            f"build, then run as that user)")


def _needs_name(workload: Workload) -> bool:
    """Whether the image's start asks for its user's name (images.yaml `start_needs_user_name`: torch's Inductor
    in vLLM names its cache with `getpass.getuser()`, which raises for a uid without an /etc/passwd entry) and
    neither the workload nor the image sets a variable that answers it, nor may variables the scan cannot
    read."""
    if workload.format not in _ENV_FORMATS or workload.env_imports:
        return False
    needs = program_fact(workload, "start_needs_user_name")
    if needs is None:
        return False
    env = fact(workload.entry_image(), "env")
    image_env = env.value if env is not None and isinstance(env.value, dict) else {}
    return not any(workload.env_value(str(n)) is not None or n in image_env for n in needs.value)


def _scratch_volumes(workload: Workload) -> set[str]:
    """The names of the pod's `emptyDir` volumes: scratch space (mode 0777) every uid writes."""
    return {v.name for v in workload.pod.volumes if v.kind == "emptyDir"} if workload.pod is not None else set()


def _in_roots_home(workload: Workload) -> str:
    """Why no other uid can keep the workload's data, else "": what it mounts in root's home, `/root` (mode 0700,
    root's, in the Debian, Ubuntu and Alpine bases, `base-files`: another uid cannot enter it, so it cannot
    reach a mount below it), other than scratch space (a tmpfs, an `emptyDir`) that a HOME the fix moves
    to /tmp replaces; unless a build step opens /root (`_roots_home`)."""
    scratch = _scratch_volumes(workload)
    for mount in workload.mounts:
        target = posixpath.normpath(mount.target) if mount.target.startswith("/") else ""
        if not target.startswith("/root/") or mount.kind == "tmpfs" or \
                workload.format is Format.KUBERNETES and mount.source in scratch:
            continue
        if not _roots_home(workload, target):
            return ""
        what = f"`{mount.source}`" if mount.source else "a volume"
        return (f" (no automatic fix: it mounts {what} at {target}, in root's home, which another uid cannot "
                f"enter (/root is mode 0700): mount it outside /root, point the program at it (HF_HOME for a "
                f"Hugging Face cache), then run as a non-root user)")
    where = _runs_from_roots_home(workload)
    # (only a build step on /root itself opens it: `chmod +x /root/entrypoint.sh` leaves /root 0700, field25 F25-18)
    if where and _roots_home(workload, "/root"):
        return (f" (no automatic fix: {where[0]}, in root's home, which another uid cannot enter (/root is mode "
                f"0700), so the container could not start its program: install it outside /root (conda's "
                f"`-p /opt/conda`, an app in /app), then run as a non-root user)")
    return ""


def _in_root(path: str) -> str:
    """`path` normalised when it lies in root's home (`/root/...`), else ""."""
    path = posixpath.normpath(path) if path.startswith("/") else ""
    return path if path.startswith("/root/") else ""


def _runs_from_roots_home(workload: Workload) -> tuple[str, str] | None:
    """What the container starts from root's home, with the path: a program or a file its start command names
    there (`/root/miniconda3/bin/python`, `python /root/app/main.py`), a program found through an `ENV PATH`
    entry there that the build installs into (`-p /root/miniconda3` with `PATH=/root/miniconda3/bin:$PATH`),
    or an app copied into a `WORKDIR` there. A process that is not root resolves each of those paths through
    /root, which it may not search (path_resolution(7)), and runc starts it only after it has changed the user
    (libcontainer/init_linux.go `finalizeNamespace`, at c9019ea9); a relative `WORKDIR` alone is not one: runc
    changes into it as root first."""
    for cmd in workload.process:
        for word in cmd.argv:
            if (path := _in_root(word.text)) and not word.dynamic:
                return f"it starts `{path}`", path
    home = workload.env_value("HOME")
    home_dir = home.value if home is not None and home.value else ""
    path_var = workload.env_value("PATH")
    bare = any(cmd.argv and "/" not in cmd.argv[0].text for cmd in workload.process)
    if path_var is not None and bare:
        # what the build installs into: a target it names (`-p /root/miniconda3`, `--prefix=/root/venv`), or
        # a `pip install --user` (HOME's `.local`)
        named = [t for cmd in workload.build_steps for a in cmd.args
                 if (t := _in_root(a.text.split("=", 1)[1] if a.text.startswith("--") and "=" in a.text
                                   else a.text))]
        user_pip = any(cmd.name.startswith("pip") and cmd.has_flag("--user") for cmd in workload.build_steps)
        for entry in path_var.value.split(":"):
            entry = re.sub(r"^\$(\{HOME\}|HOME)(?=/|$)", home_dir, entry) if home_dir else entry
            if not (entry := _in_root(entry)):
                continue
            if any(under(entry, t) or under(t, entry) for t in named) or \
                    user_pip and home_dir and under(entry, posixpath.join(home_dir, ".local")):
                return f"its `PATH` takes programs from {entry}, where the build installs them", entry
    if (store := _uv_pythons(workload, home_dir)):
        # the interpreter `uv python install` put in root's home, which a venv `uv venv` made from it links to
        # (TGI's image: field22 F22-1), named by the library or program path the image sets
        for name in ("LD_LIBRARY_PATH", "PATH", "PYTHONHOME"):
            var = workload.env_value(name)
            for entry in (var.value or "").split(":") if var is not None else ():
                if (entry := _in_root(entry)) and under(entry, store):
                    return f"its Python is the one `uv python install` put in {store} (its `{name}` names it)", entry
    workdir = _in_root(workload.workdir or "")
    if workdir and any((copied := _in_root(target)) and (under(copied, workdir) or under(workdir, copied))
                       for target, _ in workload.copied_in):
        return f"its app is copied into its `WORKDIR` {workdir}", workdir
    return None


def _uv_pythons(workload: Workload, home: str) -> str:
    """Where the build's `uv python install` put its interpreters when that is in root's home, else "": uv's
    default, `$XDG_DATA_HOME/uv/python`, else `~/.local/share/uv/python` (astral-sh/uv docs/reference/storage.md,
    "Python versions", at 000243f6), with HOME root's (`/root` when nothing sets it), unless
    UV_PYTHON_INSTALL_DIR or XDG_DATA_HOME puts them elsewhere."""
    if not any(cmd.name == "uv" and [w.text for w in cmd.args[:2]] == ["python", "install"]
               for cmd in workload.build_steps):
        return ""
    if workload.env_value("UV_PYTHON_INSTALL_DIR") is not None or workload.env_value("XDG_DATA_HOME") is not None:
        return ""
    return _in_root(posixpath.join(home or "/root", ".local/share/uv/python"))


# scratch space every uid may write: a tmpfs (compose, `docker run`) and an emptyDir (mode 0777)
_SCRATCH = ("tmpfs",)


def _root_owned_writes(workload: Workload) -> str:
    """Why the fix's uid could not write what the workload's start writes, else "": a file among the image's own
    code, root's, that its start writes unless a variable is set (images.yaml `start_writes_unless_env`: Open
    WebUI's `.webui_secret_key`), or the data a cataloged service keeps (services.yaml `writes`: Qdrant's
    `./storage`, MLflow's `mlflow.db`, Open WebUI's `data`) in the image's own directory (root's) or on a volume
    that keeps its owner: a compose named volume (Docker seeds it from the image's directory, root's), a bind
    mount (the host directory's owner), a hostPath. A tmpfs or an emptyDir (mode 0777) every uid writes."""
    image = workload.entry_image()
    writes = fact(image, "start_writes_unless_env")
    if writes is not None:
        for path, names in writes.value.items():
            if names and workload.env_imports:
                continue  # (an env file the scan cannot read may set one)
            if not any((var := workload.env_value(n)) is not None and var.value != "" for n in names):
                if not names:  # no variable avoids it (dcgm-exporter's `ldconfig`, reread24 R5)
                    return (f" (no automatic fix: the `{writes.entry}` image's start writes {path}, among its own "
                            f"files, which are root's: another uid cannot start it)")
                return (f" (no automatic fix: the `{writes.entry}` image's start writes {path}, among its own "
                        f"files, which are root's, unless {' or '.join(names)} is set: set {names[0]} (from a "
                        f"secret), then run as a non-root user)")
    if workload.env_imports:
        return ""
    from glmlint.catalog.services import identify

    scratch = _scratch_volumes(workload)
    claims = _claims(workload)
    for match in identify(workload):
        for write in match.writes():
            workdir = workload.workdir or (match.image.workdir if match.image is not None else None)
            where = write.path if write.path.startswith("/") else posixpath.join(workdir, write.path) if workdir \
                else None
            if where is None:
                # the directory it starts in is its image's WORKDIR (`/` unless the image sets one), which the
                # scan does not know: one an image that runs as root made, root's, unless a mount is there
                if workload.mounts:
                    continue  # (a volume may be that directory)
                return (f" (no automatic fix: {match.service.name} writes {write.path} at start in the directory "
                        f"it starts in (its image's WORKDIR, `/` unless set), which is root's: another uid cannot "
                        f"write there; set its working directory to one the uid owns"
                        + (f" or set {' or '.join(u.describe() for u in write.unless)}" if write.unless else "")
                        + ", then run as a non-root user)")
            holder = max((m for m in workload.mounts if under(where, m.target)), key=lambda m: len(m.target),
                         default=None)
            if holder is not None and (holder.kind in _SCRATCH and _everyone_writes(holder) or holder.source in scratch
                                       and workload.format is Format.KUBERNETES or holder.source in claims):
                continue  # every uid writes scratch space; a claim through the pod's fsGroup
            on = "in the image's own directory, which is root's" if holder is None else (
                f"on the tmpfs at {holder.target}, root's, whose `mode=` lets only its owner write"
                if holder.kind in _SCRATCH else
                f"on the host directory `{holder.source}`, whose files keep their owner"
                if holder.kind in ("bind", "host-path") else
                f"on the volume `{holder.source or holder.target}`, whose files keep their owner (Docker seeds a "
                f"named volume from the image's root-owned directory)" if workload.format is not Format.KUBERNETES
                else f"on the volume `{holder.source}`, whose files keep their owner")
            return (f" (no automatic fix: {match.service.name} writes {where} at start, {on}: another uid cannot "
                    f"write there; give it to the uid (`chown`) or use a volume the uid owns, then run as a "
                    f"non-root user)")
    return ""


def _everyone_writes(mount: Mount) -> bool:
    """Whether every uid writes the tmpfs `mount`: Docker makes one mode 1777 unless its options (`spec`, as
    written after the path: `/data:size=1g,mode=0755`) give a mode without write for others."""
    options = (mount.spec or "").split(":", 1)[1] if ":" in (mount.spec or "") else ""
    for option in options.split(","):
        key, _, value = option.strip().partition("=")
        if key == "mode":
            try:
                return bool(int(value, 8) & 0o002)
            except ValueError:
                return False
    return True


# volume sources whose files the kubelet gives to the pod's fsGroup (group-owned, group-writable, setgid
# directories) when it mounts them: a claim and the disks one binds (kubernetes pkg/volume/volume_linux.go
# `SetVolumeOwnership`, at 7dd8853f; a CSI driver's `fsGroupPolicy` defaults to doing so for a ReadWriteOnce volume
# with a filesystem type); not a hostPath or an NFS share, whose files keep their owner
_GROUP_OWNED = frozenset({"persistentVolumeClaim", "ephemeral", "csi", "awsElasticBlockStore", "gcePersistentDisk",
                          "azureDisk", "cinder", "rbd", "iscsi", "fc", "vsphereVolume", "portworxVolume"})


def _claims(workload: Workload) -> list[str]:
    """The volumes the Kubernetes container mounts writable whose files the kubelet gives to the pod's fsGroup:
    a claim (a StatefulSet's `volumeClaimTemplates` among them, as the pod's volumes) or a disk, by name."""
    if workload.format is not Format.KUBERNETES or workload.pod is None:
        return []
    kinds = {v.name: v.kind for v in workload.pod.volumes}
    out = []
    for mount in workload.mounts:
        kind = kinds.get(mount.source or "", "")
        if mount.kind == "volume" and not mount.read_only and mount.source and kind in _GROUP_OWNED \
                and mount.source not in out:
            out.append(mount.source)
    return out


def _kept_claims(workload: Workload) -> str:
    """Why the fix's uid could not write a claim the container mounts writable, else "": one written in the
    scan whose access modes leave its files their owner under the pod's fsGroup (`Volume.owner_kept`: a
    ReadWriteMany or ReadOnlyMany claim, a raw block device)."""
    if workload.format is not Format.KUBERNETES or workload.pod is None:
        return ""
    kept = {v.name: v for v in workload.pod.volumes if v.owner_kept}
    for mount in workload.mounts:
        if mount.kind == "volume" and not mount.read_only and (v := kept.get(mount.source or "")) is not None:
            return (f" (no automatic fix: it writes the claim `{v.claim}` at {mount.target}, whose access modes "
                    f"are {v.owner_kept}: the kubelet gives a CSI volume's files to the pod's fsGroup only for a "
                    f"ReadWriteOnce one (or a driver with `fsGroupPolicy: File`), so they stay root's and another "
                    f"uid cannot write them; give the directory to the uid (`chown`, an NFS export's owner), then "
                    f"run as a non-root user)")
    return ""


def _switches_user(workload: Workload) -> str:
    """Why the fix's uid could not start what the container starts, else "": a start command switches a process to
    another user (`sudo -u searxng ...`, `gosu app`, `su app -c`, `runuser -u`, `setpriv --reuid`) beside a main
    program that stays root (one that drops root itself is no finding). setuid(2) needs CAP_SETUID, which a
    non-root process does not hold; sudo, the setuid-root exception, refuses a uid with no /etc/passwd entry
    (the fix's: "you do not exist in the passwd database", sudo plugins/sudoers/sudoers.c) and one no sudoers
    rule names."""
    from glmlint.shell import dropped_to

    for cmd in workload.process:
        user = dropped_to(cmd)
        if user is not None and user.text and User.parse(user.text).is_root() is not True:
            said = " ".join(w.text for w in cmd.argv[:4])
            return (f" (no automatic fix: its start switches a process to the user `{user.text}` (`{said}`), which "
                    f"only root can do: as another uid it fails; start that process as its own container or drop "
                    f"the switch, then run as a non-root user)")
    return ""


def _owner_only_files(workload: Workload) -> str:
    """Why the fix's uid could not use a file the Kubernetes container mounts from a Secret, ConfigMap, projected or
    downwardAPI volume, else "": the kubelet writes them root's with the written mode (`defaultMode`, an item's
    `mode`), group-owned by the pod's fsGroup with the group's read bit added when it sets one (kubernetes
    pkg/volume/volume_linux.go `changeFilePermission`, roMask 0440, no execute bit). Another uid reads one only
    through the others' read bit (or that group), and runs one as its start command only through an execute
    bit it holds."""
    if workload.format is not Format.KUBERNETES or workload.pod is None:
        return ""
    fs_group = workload.pod.context.fs_group is not None
    moded = {v.name: v for v in workload.pod.volumes if v.modes}
    programs = [c.argv[0].text for c in workload.process if c.argv and c.argv[0].text.startswith("/")]
    for mount in workload.mounts:
        v = moded.get(mount.source or "")
        if v is None or mount.kind != "volume":
            continue
        target = mount.target.rstrip("/") + "/"
        runs = next((p for p in programs if p.startswith(target)), None)
        for mode in v.modes:
            if not mode & 0o004 and not fs_group:
                return (f" (no automatic fix: it mounts the {v.kind} volume `{v.name}` at {mount.target}, whose files "
                        f"are mode {mode:04o}: the kubelet writes them root's, and another uid cannot read them; "
                        f"give others (or the pod's `fsGroup`) read access, then run as a non-root user)")
            if runs is not None and not mode & 0o001 and not (fs_group and mode & 0o010):
                return (f" (no automatic fix: it starts {runs} from the {v.kind} volume `{v.name}`, mode {mode:04o}: "
                        f"the kubelet writes it root's, and another uid cannot run it; make it executable by others "
                        f"(`0755`), then run as a non-root user)")
    return ""


def _low_ports(workload: Workload) -> list[int]:
    if workload.format is not Format.KUBERNETES and not workload.host_network.value:
        return []  # a Dockerfile check loads only the rules that read Dockerfiles (tests/test_rule_index.py)
    from glmlint.rules.glm002_missing_cap_drop import low_ports

    return low_ports(workload)


def _root_powers(workload: Workload) -> bool:
    """Whether the container is given what only uid 0 holds: `privileged`, or capabilities added beyond
    NET_BIND_SERVICE. The kubelet's runtimes set no ambient capabilities, so a non-root process starts
    with none of them (kubernetes/kubernetes#56374): a user set by a fix would strip what it was given."""
    return workload.privileged.value or any(
        i.value.upper().removeprefix("CAP_") not in ("NET_BIND_SERVICE", "") for i in workload.cap_add.value)


def _non_root_image_fix(workload: Workload) -> Intent | None:
    """An image the catalog knows to run as a numeric non-root uid needs only `runAsNonRoot: true`
    (the kubelet checks the image's uid); forcing another uid could break its file ownership."""
    known = default_user(workload.image.value)
    if known is None or not str(known.value).isdigit() or int(known.value) == 0:
        return None  # a user name: the kubelet cannot verify it and refuses to start the container
    setting = workload.run_as_non_root or Setting(False, workload.anchor, explicit=False)
    return set_value(setting, "run_as_non_root", True,
                     title=f"Require a non-root user (`runAsNonRoot: true`; the image runs as uid {known.value})")
