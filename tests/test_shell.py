from __future__ import annotations

import pytest
from glmlint.ir import Loc, Word
from glmlint.shell import file_writes, from_argv, parse_script


def cmds(script: str):
    return parse_script(script, lambda r, c: Loc(r + 1, c + 1))


def test_lists_pipes_and_quote_removal():
    cs = cmds("apt-get install -y 'openssh-server' && echo \"root:${PW}\" | chpasswd; a\\ b")
    assert [c.words() for c in cs] == [["apt-get", "install", "-y", "openssh-server"],
                                       ["echo", "root:${PW}"], ["chpasswd"], ["a b"]]
    assert cs[1].argv[1].dynamic
    assert cs[2].stdin == "root:${PW}\n"


def test_trailing_redirect_binds_to_last_command_of_a_list():
    cs = cmds("apt-get update && echo 'PasswordAuthentication yes' >> /etc/ssh/sshd_config")
    assert cs[0].redirects == ()
    assert [(w.path, w.mode) for w in file_writes(cs)] == [("/etc/ssh/sshd_config", "append")]


def test_heredoc_tee_printf_and_sed_writes():
    cs = cmds("cat > /a <<EOF\nx = 1\nEOF\n"
              "printf 'PermitEmptyPasswords %s\\n' yes | tee -a /b\n"
              "sed -i -e 's/^#\\?PasswordAuthentication .*/PasswordAuthentication no/' /c\n")
    writes = {w.path: (w.text, w.mode) for w in file_writes(cs)}
    assert writes["/a"] == ("x = 1\n", "write")
    assert writes["/b"] == ("PermitEmptyPasswords yes\n", "append")
    assert writes["/c"] == ("PasswordAuthentication no\n", "edit")


def test_sed_options_are_read_as_getopt_reads_them():
    """GNU sed permutes its arguments and clusters short options: `-re SCRIPT` after the file is the
    script, `-ie` is in place with backup suffix `e` (its script the first operand), `-f` a script
    file the scan cannot read."""
    def edits(line: str) -> list[tuple[str, str]]:
        return [(w.path, w.text) for w in file_writes(cmds(line)) if w.mode == "edit"]

    wheel = [w for w in file_writes(cmds("sed -i /etc/sudoers -re 's/^# (%wheel.*)/\\1/'"))]
    assert [(w.path, w.pattern, w.replace) for w in wheel] == [("/etc/sudoers", "^# (%wheel.*)", "\\g<1>")]
    assert edits("sed -ie 's/a/b/' /etc/x") == [("/etc/x", "b\n")]
    assert edits("sed -i.bak -es/a/b/ /etc/x") == [("/etc/x", "b\n")]
    assert edits("sed -i -f fix.sed /etc/x") == []  # the script is in a file
    assert edits("sed -n -e 's/a/b/' /etc/x") == []  # not in place
    assert edits("sed --in-place=.bak --expression 's/a/b/' -- /etc/x") == [("/etc/x", "b\n")]


def test_wrappers_and_sh_c_are_looked_through():
    argv = tuple(Word(t, Loc(1, 1)) for t in
                 ["tini", "-g", "--", "gosu", "jovyan", "bash", "-lc", "exec jupyter lab --ip=0.0.0.0"])
    names = [c.name for c in from_argv(argv, Loc(1, 1))]
    assert names == ["tini", "gosu", "bash", "exec", "jupyter"]


def test_timeout_taskset_numactl_ionice_command_run_their_command():
    cs = cmds("timeout -s KILL 2h python train.py\ntimeout --kill-after=10s 30m bash -c 'make test'\n"
              "taskset -c 0-7 torchrun x.py\nnumactl --cpunodebind=0 -m 0 python y.py\nionice -c3 rsync a b\n"
              "command -p ls\ncommand -v curl\ntaskset -p 1234\n")
    assert [c.name for c in cs] == ["timeout", "python", "timeout", "bash", "make", "taskset", "torchrun",
                                    "numactl", "python", "ionice", "rsync", "command", "ls", "command", "taskset"]


def test_numactl_options_with_values_as_numactl_c_reads_them():
    """numactl's option table (numactl 93c1fe5f): `-w`/`-P`/`-c` take a node list; `-s`/`-H` only print."""
    cs = cmds("numactl -w 0,1 python a.py\nnumactl -P 0 python b.py\nnumactl --cpubind 1 python c.py\n"
              "numactl -s python d.py\n")
    assert [c.words() for c in cs if c.name == "python"] == [["python", "a.py"], ["python", "b.py"],
                                                              ["python", "c.py"]]


def test_flock_watch_srun_eval_run_their_command():
    """flock FILE COMMAND / FILE -c SCRIPT (util-linux flock.c), watch's words or one script for `sh -c`
    (procps-ng watch.c), srun's options up to the executable (Slurm slurm_opt.c), eval's script."""
    cs = cmds("flock -w 10 /tmp/gpu.lock python a.py\nflock -n /tmp/x.lock -c 'python b.py && make c'\n"
              "watch -n 5 python d.py\nwatch -d -n1 'nvidia-smi; python e.py'\nwatch -v python f.py\n"
              "srun --gres gpu:1 -N 2 --pty python g.py\nsrun -p gpu --ntasks=4 python h.py\n"
              "eval \"python i.py --lr $LR\"\neval python j.py\n")
    assert [c.words()[1] for c in cs if c.name == "python"] == ["a.py", "b.py", "d.py", "e.py", "g.py", "h.py",
                                                                "i.py", "j.py"]
    assert "make" in [c.name for c in cs] and "nvidia-smi" in [c.name for c in cs]
    e = next(c for c in cs if c.words()[1:2] == ["e.py"])
    assert (e.argv[0].loc.line, e.argv[0].loc.col) == (4, 27)  # inside the quoted script


def test_slurm_salloc_and_sbatch_run_their_command_or_script():
    """salloc runs its command once allocated (hetjob `:` components too; `--no-shell` none); sbatch
    submits `--wrap`'s string as a `#!/bin/sh` script, or the script on standard input when it names no
    file (Slurm 284c3b95 slurm_opt.c, src/sbatch/sbatch.c); a script operand's arguments are not run."""
    cs = cmds("salloc -N 1 --gres=gpu:1 -t 60 python a.py\nsalloc -N1 : -N2 -p gpu python b.py\n"
              "salloc --no-shell -N1 python x.py\nsbatch -p gpu -J t --wrap='python c.py && python d.py'\n"
              "sbatch --wrap \"python e.py\"\nsbatch -p gpu job.sh python y.py\nsbatch -J t <<EOF\n#!/bin/bash\n"
              "python f.py\nEOF\nsbatch job.sh <<EOF\npython z.py\nEOF\nsbatch --version --wrap 'python w.py'\n")
    assert [c.words()[1] for c in cs if c.name == "python"] == ["a.py", "b.py", "c.py", "d.py", "e.py", "f.py"]
    c = next(c for c in cs if c.words()[1:2] == ["c.py"])
    assert (c.argv[0].loc.line, c.argv[0].loc.col) == (4, 28)  # inside `--wrap='...'`


def test_tmux_runs_its_shell_commands_and_the_keys_it_types_at_enter():
    """tmux's commands that start a shell command, with their args templates (tmux c1f947a3 cmd-*.c);
    `send-keys` runs what it types only at `Enter`/`C-m`, and never with `-l`; setsid runs its program."""
    cs = cmds("tmux new -d -s t 'python a.py'\ntmux -L gpu neww -n x python b.py \\; splitw -h -l 30 'python c.py'\n"
              "tmux send-keys -t t:0 'python d.py' C-m\ntmux send -t t 'python e.py'\n"
              "tmux send -l -t t 'python f.py' Enter\ntmux -c 'python g.py'\nsetsid -w python h.py\n")
    assert [c.words()[1] for c in cs if c.name == "python"] == ["a.py", "b.py", "c.py", "d.py", "g.py", "h.py"]


def test_screen_runs_the_program_of_a_new_window():
    """GNU screen's option loop (screen.c): `-S`/`-t`/`-h` take the next word, `-dm` detaches; `-r`,
    `-X`, `-ls` start no window."""
    cs = cmds("screen -dmS train python a.py\nscreen -L -Logfile x.log -S t -h 100 -d -m bash -c 'python b.py'\n"
              "screen -r train python c.py\nscreen -S t -X stuff 'python d.py'\nscreen -ls python e.py\n")
    assert [c.words()[1] for c in cs if c.name == "python"] == ["a.py", "b.py"]


def test_command_substitution_runs_too():
    cs = cmds('echo "$(passwd -d root)"')
    assert ["passwd", "-d", "root"] in [c.words() for c in cs]


def test_a_backquoted_comment_word_is_no_word_and_keeps_the_columns_after_it():
    # bash runs the comment (nothing) and drops the empty unquoted word; the README's annotated `docker run`
    cs = cmds("docker run \\\n  -v /src:/app `# the code, for développement` -e A=1 \\\n  -p 80:80 `# web` -it img")
    assert [c.words() for c in cs] == [["docker", "run", "-v", "/src:/app", "-e", "A=1", "-p", "80:80", "-it", "img"]]
    assert cs[0].argv[5].loc == Loc(2, 51) and cs[0].argv[8].loc == Loc(3, 20)
    # a backquoted command that is no comment still runs and is still a word
    cs = cmds("echo `date` `# note`")
    assert ["date"] in [c.words() for c in cs] and cs[-1].name == "echo" and len(cs[-1].argv) == 2


def test_control_flow_bodies():
    cs = cmds("if [ -n \"$X\" ]; then useradd -p x u; fi\nfor i in 1 2; do echo $i; done")
    assert "useradd" in [c.name for c in cs]


def test_pipeline_stages_know_what_feeds_them():
    cs = cmds("curl -fsSL https://x/install.sh | sudo -E bash - > /tmp/log && echo done")
    by = {c.name: c for c in cs}
    assert [u.name for u in by["bash"].upstream] == ["curl"]  # through the `sudo` wrapper
    assert [u.name for u in by["sudo"].upstream] == ["curl"]
    assert by["curl"].upstream == () and by["echo"].upstream == ()
    tee_then_sh = cmds("curl https://x | tee f | sh")
    assert [u.name for u in tee_then_sh[2].upstream] == ["tee"]
    assert [u.name for u in tee_then_sh[1].upstream] == ["curl"]


def test_words_keep_the_commands_their_substitutions_run():
    bash = [c for c in cmds("bash <(curl -s https://x/i.sh) --flag") if c.name == "bash"][0]
    assert bash.argv[1].text == "<(curl -s https://x/i.sh)"
    assert [c.words() for c in bash.argv[1].substitutions] == [["curl", "-s", "https://x/i.sh"]]
    assert bash.argv[2].substitutions == ()
    sh = [c for c in cmds('sh -c "$(wget -qO- https://x)" ""') if c.name == "sh"][0]
    assert [c.name for c in sh.argv[2].substitutions] == ["wget"]


def test_a_file_name_that_is_an_expansion_in_a_known_directory_is_written():
    cs = cmds('echo "$U ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/$U && echo x > $HOME/.cfg')
    assert [(w.path, w.text) for w in file_writes(cs)] == [("/etc/sudoers.d/$U", "$U ALL=(ALL) NOPASSWD:ALL\n")]


@pytest.mark.parametrize(("script", "program"), [
    ("conda run --no-capture-output -n ml python -m jupyter lab", ["python", "-m", "jupyter", "lab"]),
    ("micromamba run -n base -r /opt/conda jupyter lab --ip=0.0.0.0", ["jupyter", "lab", "--ip=0.0.0.0"]),
    ("mamba run -p /opt/env -- vllm serve m", ["vllm", "serve", "m"]),
    ("uv run --with torch python train.py", ["python", "train.py"]),
    ("poetry run gunicorn app:app", ["gunicorn", "app:app"]),
])
def test_environment_managers_run_verb_runs_its_command(script: str, program: list[str]) -> None:
    commands = parse_script(script, lambda r, c: Loc(r + 1, c + 1))
    assert [c.words() for c in commands][-1] == program


@pytest.mark.parametrize(("script", "program"), [
    ("uvx marimo edit --no-token", ["marimo", "edit", "--no-token"]),
    ("uvx --from 'marimo[sql]' --python 3.12 marimo edit", ["marimo", "edit"]),
    ("uv tool run --with pandas marimo edit /nb", ["marimo", "edit", "/nb"]),
    ("pipx run --spec dagster-webserver dagster-webserver -h 0.0.0.0", ["dagster-webserver", "-h", "0.0.0.0"]),
])
def test_tool_runners_run_the_tool_they_install(script: str, program: list[str]) -> None:
    commands = parse_script(script, lambda r, c: Loc(r + 1, c + 1))
    assert [c.words() for c in commands][-1] == program


def test_tool_runner_verbs_other_than_run_run_nothing() -> None:
    commands = parse_script("uv tool install marimo && pipx install dagster", lambda r, c: Loc(r + 1, c + 1))
    assert [c.name for c in commands] == ["uv", "pipx"]


def test_environment_manager_without_run_runs_nothing() -> None:
    commands = parse_script("conda env create -f environment.yml", lambda r, c: Loc(r + 1, c + 1))
    assert [c.name for c in commands] == ["conda"]


def test_each_command_knows_the_shell_whose_script_holds_it_and_echo_is_read_by_it() -> None:
    # dash (Debian's and Ubuntu's /bin/sh) has no `echo -e`: it writes "-e a"; bash's and BusyBox's take it
    cs = cmds("sh -c 'echo -e \"a\\nb\" > /x' && bash -c 'echo -e \"a\\nb\" > /y'\n"
              "bash <<'EOF'\necho -e \"c\\nd\" > /z\nEOF\n"
              "sh -s <<'EOF'\necho -e e | tee /w\nEOF\n"
              "bash /opt/setup.sh <<'EOF'\necho -e f > /v\nEOF\n")
    assert [(c.name, c.shell) for c in cs if c.name == "echo"] == [("echo", "sh"), ("echo", "bash"), ("echo", "bash"),
                                                                     ("echo", "sh")]
    assert [c.loc.line for c in cs if c.name == "echo"] == [1, 1, 3, 6]  # a heredoc's script where it is written
    on_debian = {w.path: w.text for w in file_writes(cs, image="ubuntu:24.04")}
    assert on_debian == {"/x": "-e a\nb\n", "/y": "a\nb\n", "/z": "c\nd\n", "/w": "-e e\n"}
    elsewhere = {w.path: w.text for w in file_writes(cs, image="ghcr.io/acme/base:1")}
    assert elsewhere == {"/x": "a\nb\n", "/y": "a\nb\n", "/z": "c\nd\n", "/w": "e\n"}


def test_the_command_line_after_a_heredoc_start_word() -> None:
    """tree-sitter-bash nests the rest of the line (`| b`, `&& c`, more arguments) inside the
    heredoc redirect: it is read as bash runs it."""
    cs = cmds("cat <<EOF | sudo tee -a /f > /dev/null && chmod 777 /f\nPasswordAuthentication yes\nEOF\necho done\n")
    assert [c.words() for c in cs] == [["cat"], ["sudo", "tee", "-a", "/f"], ["tee", "-a", "/f"],
                                       ["chmod", "777", "/f"], ["echo", "done"]]
    assert cs[2].stdin == "PasswordAuthentication yes\n" and cs[1].upstream == (cs[0],)
    assert cs[3].stdin is None and cs[3].upstream == ()  # `b && c` nested in the pipe: `c` runs after it
    cs = cmds("cat <<EOF -n /x\nx\nEOF\n")
    assert [c.words() for c in cs] == [["cat", "-n", "/x"]]
    cs = cmds("cat <<'EOF' | tee /f\nA yes\nB yes\nEOF\n")
    assert cs[1].stdin == "A yes\nB yes\n" and cs[0].stdin_lines == (Loc(2, 1), Loc(3, 1))
    assert [(w.path, w.text, w.loc, w.line_locs) for w in file_writes(cs)] == [
        ("/f", "A yes\nB yes\n", Loc(1, 1), (Loc(2, 1), Loc(3, 1)))]
    cs = cmds("cat > /f <<EOF || exit 1\nx\nEOF\n")
    assert [c.words() for c in cs] == [["cat"], ["exit", "1"]] and file_writes(cs)[0].line_locs == (Loc(2, 1),)


def test_piped_text_is_located_where_it_is_written() -> None:
    cs = cmds("echo -e 'PasswordAuthentication yes' | tee -a /etc/ssh/sshd_config")
    assert [(w.loc, w.line_locs) for w in file_writes(cs)] == [(Loc(1, 1), (Loc(1, 9),))]
    cs = cmds("printf 'a\\nb\\n' > /f; echo 'x\ny' > /g")
    assert [w.line_locs for w in file_writes(cs)] == [(Loc(1, 8), Loc(1, 8)), ()]  # a word spanning lines: not known


def test_an_operator_after_a_heredoc_start_word_ends_the_command():
    """`;`/`&` and an operator glued to an unquoted delimiter end the word and the command, as the
    shell reads them (POSIX XCU 2.2, 2.10.1); each command located where it is written."""
    script = ("cat > /x <<'EOF'; chmod 777 /x\nhi\nEOF\n"
              "cat <<EOF; chmod 600 /y\nyo\nEOF\n"
              "cat <<EOF&& chmod 644 /z\nzz\nEOF\n"
              "cat <<EOF | tee /w; chmod 700 /w\nww\nEOF\n"
              "echo \"a<<EOF;b\" $((1<<2))\n")
    got = [(c.words(), c.stdin, c.loc.line, c.loc.col) for c in cmds(script)]
    assert got == [
        (["cat"], "hi\n", 1, 1), (["chmod", "777", "/x"], None, 1, 19),
        (["cat"], "yo\n", 4, 1), (["chmod", "600", "/y"], None, 4, 12),
        (["cat"], "zz\n", 7, 1), (["chmod", "644", "/z"], None, 7, 13),
        (["cat"], "ww\n", 10, 1), (["tee", "/w"], "ww\n", 10, 13), (["chmod", "700", "/w"], None, 10, 21),
        (["echo", "a<<EOF;b", "$((1<<2))"], None, 13, 1)]


def test_a_heredoc_body_tree_sitter_leaves_as_statements_is_the_heredocs_text():
    """`cat <<EOF; echo x >> log` (glued or spaced): a redirect after the `;` makes tree-sitter-bash
    drop the heredoc (an error node) and read its body as commands; bash reads the lines up to the
    delimiter line as the text `cat` is fed (checked with bash 5: the body is printed, not run)."""
    script = ("cat <<EOF; echo shown >> /tmp/log\ndocker run --privileged img\nEOF\n"
              "cat > /etc/sudoers.d/dev <<EOF ; echo done >> /tmp/log\ndev ALL=(ALL) NOPASSWD: ALL\nEOF\n"
              "if true; then\n\tbash <<-'X' ; echo ran >> /tmp/log\n\tchmod 777 /x\n\tX\nfi\nchmod 600 /y\n")
    got = [(c.words(), c.stdin, c.loc.line) for c in cmds(script)]
    assert got == [
        (["cat"], "docker run --privileged img\n", 1), (["echo", "shown"], None, 1),
        (["cat"], "dev ALL=(ALL) NOPASSWD: ALL\n", 4), (["echo", "done"], None, 4),
        (["true"], None, 7), (["bash"], "chmod 777 /x\n", 8), (["chmod", "777", "/x"], None, 9),
        (["echo", "ran"], None, 8), (["chmod", "600", "/y"], None, 12)]
    assert [w.text for w in file_writes(cmds(script)) if w.path == "/etc/sudoers.d/dev"] == [
        "dev ALL=(ALL) NOPASSWD: ALL\n"]


def test_a_separator_after_a_heredoc_file_redirect_ends_the_command():
    """`cat <<EOF >f; cmd >> g`: tree-sitter-bash nests `; cmd` in `>f` and gives `>> g` to the heredoc;
    bash writes the body to f and runs `cmd` with its own redirect (checked with bash 5)."""
    script = ("cat <<EOF >/tmp/notes; echo 'dev ALL' >> /etc/sudoers\nhello\nEOF\n"
              "cat <<EOF >/tmp/f 2>&1; docker run --privileged img && echo done\nx\nEOF\n"
              "cat <<EOF; chmod 600 /x > /dev/null\nyo\nEOF\n")
    got = [(c.words(), c.stdin, [(r.op, r.target.text) for r in c.redirects], c.loc.line, c.loc.col)
           for c in cmds(script)]
    assert got == [
        (["cat"], "hello\n", [(">", "/tmp/notes")], 1, 1),
        (["echo", "dev ALL"], None, [(">>", "/etc/sudoers")], 1, 24),
        (["cat"], "x\n", [(">", "/tmp/f"), (">&", "1")], 4, 1),
        (["docker", "run", "--privileged", "img"], None, [], 4, 25), (["echo", "done"], None, [], 4, 56),
        (["cat"], "yo\n", [], 7, 1), (["chmod", "600", "/x"], None, [(">", "/dev/null")], 7, 12)]


def test_printf_lines_are_located_at_the_argument_that_writes_them():
    cs = cmds("printf '%s\\n' 'PermitRootLogin no' 'PasswordAuthentication yes' > /a\n"
              "printf 'Port 22\\nPasswordAuthentication %s\\n' yes > /b\n")
    got = [(w.path, [(loc.line, loc.col) for loc in w.line_locs]) for w in file_writes(cs)]
    assert got == [("/a", [(1, 15), (1, 36)]), ("/b", [(2, 8), (2, 47)])]


def test_a_command_name_is_made_from_its_argv() -> None:
    """`Command.name` (argv[0]'s basename) is made from argv when the command is made, again when
    `records.replace` gives it another argv; it is not compared nor shown."""
    from glmlint import records
    from glmlint.ir import Command, Loc, Word

    at = Loc(1, 1)
    cmd = Command((Word("/usr/sbin/sshd", at), Word("-D", at)), at)
    assert cmd.name == "sshd" and Command((Word("sshd", at),), at).name == "sshd"
    assert records.replace(cmd, argv=(Word("python3", at),)).name == "python3"
    assert Command((), at).name == ""
    assert cmd == Command((Word("/usr/sbin/sshd", at), Word("-D", at)), at, name="x")
    assert "name=" not in repr(cmd)


def test_env_skips_every_operand_with_an_equals_sign():
    """coreutils env.c takes any operand holding `=` as an assignment (`FOO-BAR=1` too, which no shell
    variable can be named): the command after it is what runs; only shell-like names reach its environment."""
    (c,) = [c for c in cmds("env FOO-BAR=1 CUDA_VISIBLE_DEVICES=0 docker run --privileged img") if c.name != "env"]
    assert c.words()[:2] == ["docker", "run"]
    assert c.assignments == (("CUDA_VISIBLE_DEVICES", "0"),)


@pytest.mark.parametrize("script, writes", [
    # sudo's env_reset keeps no EDITOR: the export, the prefix before `sudo` and the image's ENV are gone
    ("export EDITOR='tee -a'; echo 'dev ALL=(ALL) NOPASSWD:ALL' | sudo visudo -f /etc/sudoers.d/dev", False),
    ("echo 'dev ALL=(ALL) NOPASSWD:ALL' | EDITOR='tee -a' sudo -u root visudo -f /etc/sudoers.d/dev", False),
    ("echo 'dev ALL=(ALL) NOPASSWD:ALL' | sudo -iE visudo -f /etc/sudoers.d/dev", False),  # -i: a login's environment
    ("export EDITOR='tee -a'; echo 'dev ALL=(ALL) NOPASSWD:ALL' | sudo --preserve-env=VISUAL visudo", False),
    ("echo 'dev ALL=(ALL) NOPASSWD:ALL' | EDITOR='tee -a' env -i visudo -f /etc/sudoers.d/dev", False),
    ("EDITOR='tee -a' sudo sh -c \"echo 'dev ALL=(ALL) NOPASSWD:ALL' | visudo -f /etc/sudoers.d/dev\"", False),
    # what sudo keeps or sets after the reset reaches it
    ("export EDITOR='tee -a'; echo 'dev ALL=(ALL) NOPASSWD:ALL' | sudo -Eu root visudo -f /etc/sudoers.d/dev", True),
    ("export EDITOR='tee -a'; echo 'dev ALL=(ALL) NOPASSWD:ALL' | sudo --preserve-env=VISUAL,EDITOR visudo", True),
    ("echo 'dev ALL=(ALL) NOPASSWD:ALL' | sudo env EDITOR='tee -a' visudo -f /etc/sudoers.d/dev", True),
    ("sudo EDITOR='tee -a' sh -c \"echo 'dev ALL=(ALL) NOPASSWD:ALL' | visudo -f /etc/sudoers.d/dev\"", True),
    ("EDITOR='tee -a' bash -c \"echo 'dev ALL=(ALL) NOPASSWD:ALL' | visudo -f /etc/sudoers.d/dev\"", True),
])
def test_visudo_reads_its_editor_from_the_environment_sudo_gives_it(script: str, writes: bool) -> None:
    cmds = parse_script(script, lambda r, c: Loc(r + 1, c + 1))
    assert bool(file_writes(cmds)) is writes
    # the image's ENV is the environment before `sudo` too
    base = {"EDITOR": "tee -a"}
    piped = "echo 'dev ALL=(ALL) NOPASSWD:ALL' | {} visudo -f /etc/sudoers.d/dev"
    assert not file_writes(parse_script(piped.format("sudo"), lambda r, c: Loc(r + 1, c + 1)), env=base)
    assert file_writes(parse_script(piped.format("sudo -E"), lambda r, c: Loc(r + 1, c + 1)), env=base)


@pytest.mark.parametrize("script, argv", [
    # parts with no blank between them are one word (bash(1) "DEFINITIONS"); tree-sitter-bash 0.25 ends
    # a concatenation at a `$NAME` that follows other text and starts a new argument after its `$`
    ('echo $A/x:$B/y', [["echo", "$A/x:$B/y"]]),
    ('echo "${HOME}"/.cache:$HOME/.cache/ z', [["echo", "${HOME}/.cache:$HOME/.cache/", "z"]]),
    ("echo a'b'$c/d:$e/f", [["echo", "ab$c/d:$e/f"]]),
    ('echo $A/x:$B/y.$C/z:$D/w', [["echo", "$A/x:$B/y.$C/z:$D/w"]]),
    ('$A/x:$B/y arg', [["$A/x:$B/y", "arg"]]),
    ('sudo -u "$U"/x:$B/y id', [["sudo", "-u", "$U/x:$B/y", "id"], ["id"]]),
    ('cat <<EOF $A/x:$B/y\nhi\nEOF\n', [["cat", "$A/x:$B/y"]]),
    ('X=$A/x:$B/y', []),  # an assignment statement, not a command named `B/y`
    ('X=$A/x:$B/y Y="a b" id', [["id"]]),
    # one switch away: a blank between them, two words
    ('echo $A/x: $B/y', [["echo", "$A/x:", "$B/y"]]),
    ('echo "${HOME}"/.cache: $HOME/.cache/ z', [["echo", "${HOME}/.cache:", "$HOME/.cache/", "z"]]),
    ('sudo -u "$U"/x: $B/y id', [["sudo", "-u", "$U/x:", "$B/y", "id"], ["$B/y", "id"]]),
    ('X=$A/x: $B/y', [["$B/y"]]),
    ('X=$A/x: $B/y Y="a b" id', [["$B/y", "Y=a b", "id"]]),
])
def test_word_parts_with_no_blank_between_are_one_word(script: str, argv: list[list[str]]) -> None:
    assert [c.words() for c in cmds(script)] == argv


def test_a_word_glued_back_keeps_its_place_and_what_its_parts_run() -> None:
    c = cmds('echo  "$A"/x:$B/$(id -u)')
    assert [x.words() for x in c] == [["id", "-u"], ["echo", "$A/x:$B/$(id -u)"]]
    word = c[1].argv[1]
    assert word.loc == Loc(1, 7) and word.dynamic and word.start is None
    assert [x.words() for x in word.substitutions] == [["id", "-u"]]


def test_glued_word_parts_of_assignments_and_redirect_targets() -> None:
    c = cmds('X=$A/x:$B/y Y=1 id > $C/x:$D/y')[0]
    assert c.assignments == (("X", "$A/x:$B/y"), ("Y", "1"))
    assert [r.target.text for r in c.redirects] == ["$C/x:$D/y"]
    assert cmds('cat<<<$A/x:$B/y')[0].stdin == "$A/x:$B/y\n"
    assert cmds('cat<<<$A/x: $B/y')[0].stdin == "$A/x:\n"
    # what the script exports reaches the commands after it whole (`visudo` reads its editor from it)
    for script in ("export EDITOR=$A/x:$B/y\nvisudo\n", "EDITOR=$A/x:$B/y\nexport EDITOR\nvisudo\n"):
        assert cmds(script)[-1].assignments == (("EDITOR", "$A/x:$B/y"),)


@pytest.mark.parametrize("argv, runs", [
    (["/bin/bash", "-c", "--", "ulimit -n 65536; ray start --head"], [["ulimit", "-n", "65536"], ["ray", "start", "--head"]]),
    (["sh", "-c", "--"], []),  # (no script: nothing to read)
    (["bash", "-c", "ray start --head"], [["ray", "start", "--head"]]),
    (["bash", "-c", "--", "--"], [["--"]]),  # (the script is the second `--`)
])
def test_a_double_dash_after_dash_c_ends_the_options_and_the_script_is_the_next_word(argv, runs):
    # POSIX sh `sh -c [--] command_string`; bash and dash alike (`bash -c -- 'echo hi'` prints hi); KubeRay's
    # samples write `command: ["/bin/bash", "-c", "--"]` and the script in `args`
    got = from_argv([Word(t, Loc(1, 1)) for t in argv], Loc(1, 1))
    assert [c.words() for c in got[1:]] == runs


@pytest.mark.parametrize(("quoted", "text"), [
    (r"$'a\nb'", "a\nb"),
    (r"$'\x41\101\u00e9\U0001F600'", "AAé\U0001F600"),
    (r"$'\cA\e\r'", "\x01\x1b\r"),
    (r"$'it\'s \\ \q'", "it's \\ \\q"),  # an unknown escape stays as written
    (r"'\x41'", r"\x41"),  # one switch away: single quotes decode nothing
])
def test_ansi_c_quoting_as_bash_decodes_it(quoted: str, text: str) -> None:
    """bash's `$'...'` decodes the escapes of its manual's "ANSI-C Quoting" (bash 5.2 doc/bashref.texi at
    bminor/bash 16b2d7f4): letters, octal, hex, Unicode and control characters; the shell model kept `\\n`, `\\t`
    only."""
    (cmd,) = parse_script(f"printf %s {quoted}", lambda r, c: Loc(r + 1, c + 1))
    assert cmd.argv[2].text == text


@pytest.mark.parametrize(("script", "got"), [
    ("git clone https://github.com/comfyanonymous/ComfyUI.git /stable-diffusion", ("ComfyUI", 3)),
    ("git clone --recursive --depth 1 -b v1.10.1 https://github.com/AUTOMATIC1111/stable-diffusion-webui.git sd",
     ("stable-diffusion-webui", 8)),
    ("git -c http.sslVerify=false clone git@github.com:oobabooga/text-generation-webui", ("text-generation-webui", None)),
    ("git clone --filter=blob:none -- https://example.com/a/repo/ dir", ("repo", 5)),
    # not a clone, or one relative to a directory `-C` names: none
    ("git -C /src clone https://github.com/comfyanonymous/ComfyUI.git app", None),
    ("git checkout master", None),
    ("git clone --depth 1", None),
])
def test_git_clone_names_the_repository_and_its_directory(script, got):
    from glmlint.shell import git_clone

    assert git_clone(cmds(script)[0]) == got
