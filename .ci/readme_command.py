"""Print the README's fresh-machine command number N (the line after "# N." in its first bash
block), so that CI runs what the README says, not a copy of it."""
import re
import sys
from pathlib import Path


def readme_command(number: int, readme: Path = Path(__file__).resolve().parents[1] / "README.md"):
    block = re.search(r"```bash\n(.*?)```", readme.read_text(), re.S).group(1)
    lines = block.splitlines()
    for i, line in enumerate(lines):
        if re.match(rf"#\s*{number}\.", line.strip()):
            return lines[i + 1].strip()
    raise SystemExit(f"README.md's first bash block has no command '# {number}.'")


if __name__ == "__main__":
    print(readme_command(int(sys.argv[1])))
