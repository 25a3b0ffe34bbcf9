"""Regenerate-and-diff: every generated file (flag index, glossary pages, the CONTRIBUTING rule
table, the README's `kb --help` block) equals a fresh run of its generator."""
import subprocess
import sys


def test_every_generated_file_is_up_to_date():
    result = subprocess.run([sys.executable, "-m", "kbtools", "gen", "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_target_can_be_checked_alone():
    result = subprocess.run([sys.executable, "-m", "kbtools", "gen", "--check", "rules", "readme"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stale_file_is_reported_at_its_first_differing_line():
    from kbtools.gen import first_difference, stale

    assert first_difference("a\nb\nc\n", "a\nB\nc\n") == 2
    assert first_difference("a\n", "a\nb\n") == 2 and first_difference(None, "a") == 1
    assert stale("docs/x.md", "a\nb\n", "a\nc\n", "glossary").startswith("docs/x.md:2: out of date")


def test_flag_index_check_names_file_and_line(tmp_path, capsys):
    from kbtools.gen import flag_index

    (tmp_path / "index.en.md").write_text("stale\n", encoding="utf-8")
    assert flag_index.main(["--check", "--out-dir", str(tmp_path)]) == 1
    assert f"{tmp_path / 'index.en.md'}:1: out of date" in capsys.readouterr().err


def test_a_generated_region_is_written_checked_and_its_markers_required(tmp_path, capsys):
    from kbtools.gen.region import Region

    page = tmp_path / "page.md"
    page.write_text("intro\n<!-- x:start -->\nold\n<!-- x:end -->\noutro\n", encoding="utf-8")
    region = Region(page, "<!-- x:start -->\n", "<!-- x:end -->", "x")
    assert region.write("new\n", check=True) == 1
    assert f"{page}:3: out of date" in capsys.readouterr().out
    assert region.write("new\n", check=False) == 0
    assert page.read_text(encoding="utf-8") == "intro\n<!-- x:start -->\nnew\n<!-- x:end -->\noutro\n"
    assert region.write("new\n", check=True) == 0
    page.write_text("intro\n", encoding="utf-8")
    assert region.write("new\n", check=True) == 1
    assert f"{page}:1: the <!-- x:start --> ... <!-- x:end --> block is missing" \
        in capsys.readouterr().out
