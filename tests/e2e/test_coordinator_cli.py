"""``zkvote coordinator serve`` refuses an unusable data directory or database URL before it
listens: exit 2 and one ``error:`` line on stderr (the CLIs' shared failure report)."""

from typer.testing import CliRunner

from zkvote.cli import app


def _serve(*args: str) -> object:
    return CliRunner().invoke(app, ["coordinator", "serve", *args])


def test_a_data_dir_that_is_a_file_or_an_unknown_database_exits_2_with_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    for args, fragment in ((["--data-dir", str(tmp_path / "file")], "File exists"),
                           (["--data-dir", str(tmp_path / "d"), "--db", "nosuch://x"],
                            "unsupported database 'nosuch'")):
        result = _serve(*args)
        assert result.exit_code == 2 and result.stdout == "", result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0]
