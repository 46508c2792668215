"""`fix.lowering.expand`: the intents rules state, as the text the engine writes (or no fix)."""
from __future__ import annotations

import pytest

from glmlint.fix.lowering import expand
from glmlint.ir import Item, Loc, Mount, Port, Setting
from glmlint.rule import (MountReadOnly, PublishLoopback, RemoveCommand, RemoveSetting, RemoveWord, ReplaceText,
                          RestoreDefault, SetDirective, SetValue, Unset)

AT = Loc(3, 7)


def _one(intent, workload=None):
    got = expand((intent,), workload)
    return got[0] if got else None


@pytest.mark.parametrize("spec,host_ip,host_port,spec_ip,old,new", [
    ("5432:5432", None, "5432", None, "5432:5432", "127.0.0.1:5432:5432"),
    ("8888", None, None, None, "8888", "127.0.0.1::8888"),
    ("0.0.0.0:80:80", "0.0.0.0", "80", None, "0.0.0.0", "127.0.0.1"),
    ("[::]:80:80", "::", "80", None, "[::]", "127.0.0.1"),
    ("${BIND:-0.0.0.0}:80:80", "0.0.0.0", "80", "${BIND:-0.0.0.0}", "${BIND:-0.0.0.0}", "${BIND:-127.0.0.1}"),
])
def test_publish_loopback_edits_the_short_syntax_as_written(spec, host_ip, host_port, spec_ip, old, new):
    port = Port("5432", AT, host_ip=host_ip, host_port=host_port, spec=spec, spec_ip=spec_ip)
    assert _one(PublishLoopback(port, "t")) == ReplaceText(AT, old, new, "t")


@pytest.mark.parametrize("port", [
    Port("80", AT, spec=None),  # a long-form entry
    Port("80", AT, host_ip="0.0.0.0", host_port="80", spec="${PORTS:-0.0.0.0:80:80}", spec_editable=False),
    Port("80", AT, host_ip="0.0.0.0", host_port="80", spec="${BIND}:80:80", spec_ip="${BIND}"),
])
def test_publish_loopback_offers_no_fix_it_cannot_write(port):
    assert expand((PublishLoopback(port, "t"),), None) == ()


def test_mount_read_only_as_the_mount_is_written():
    short = Mount("./models", "/models", "bind", False, AT, spec="./models:/models")
    assert _one(MountReadOnly(short, "t")) == ReplaceText(AT, "/models", "/models:ro", "t", before=":")
    rw = Mount("./models", "/models", "bind", False, AT, spec="./models:/models:rw")
    assert _one(MountReadOnly(rw, "t")) == ReplaceText(AT, ":rw", ":ro", "t")
    k8s = Mount("models", "/models", "volume", False, AT, entry=("spec", "containers", 0, "volumeMounts", 0))
    got = _one(MountReadOnly(k8s, "t"))
    assert isinstance(got, SetValue) and got.field == "mount.read_only" and got.setting.path == k8s.entry
    assert _one(MountReadOnly(Mount("./m", "/models", "bind", False, AT, spec="./m:/models:z"), "t")) is None
    assert _one(MountReadOnly(Mount(None, "/models", "volume", False, AT, spec="/models"), "t")) is None


def test_remove_setting_by_how_it_is_written():
    assert _one(RemoveSetting(AT, "cli", "t", words=2)) == RemoveWord(AT, "t", count=2)
    assert _one(RemoveSetting(AT, "config", "t", statement="c.ServerApp.token = ''", whole_step=True)) == \
        RemoveCommand(AT, "t")
    assert _one(RemoveSetting(AT, "config", "t", statement="c.ServerApp.token = ''")) == \
        ReplaceText(AT, "c.ServerApp.token = ''", "", "t")
    assert _one(RemoveSetting(AT, "json", "t")) is None
    assert _one(RemoveSetting(AT, "env", "t")) is None


def test_set_directive_replaces_the_value_after_its_keyword():
    got = _one(SetDirective(AT, "PasswordAuthentication", "yes", "no", "t"))
    assert got == ReplaceText(AT, "yes", "no", "t", before=r"PasswordAuthentication[ \t]*[ \t=][ \t]*")


def test_restore_default_removes_a_runtime_option_else_sets_the_default_profile():
    class W:
        security_opts = (Item("seccomp:unconfined", AT),)

    opt = Setting("unconfined", AT)
    assert _one(RestoreDefault(opt, "seccomp", "t"), W()) == Unset(opt, "t")
    k8s = Setting("Unconfined", Loc(9, 1))
    assert _one(RestoreDefault(k8s, "seccomp", "t"), W()) == SetValue(k8s, "seccomp", "RuntimeDefault", "t")
    assert _one(RestoreDefault(k8s, "apparmor", "t"), W()) == SetValue(k8s, "apparmor", "RuntimeDefault", "t")
    assert _one(RestoreDefault(Setting("spc_t", Loc(9, 1)), "selinux", "t"), W()) is None
