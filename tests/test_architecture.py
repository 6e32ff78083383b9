"""The layers of the code: no import circle, and no lower layer importing a higher one.

Every import counts, also those inside functions (the zoo imports Keras lazily there)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("zoo", "tuning", "recipes", "benchmarks")
# Lowest first: a module may import modules of its own layer or of layers before it.
LAYERS = [
    ("base", ("zoo.errors", "zoo.validation", "zoo.files", "zoo.registry", "zoo.results",
              "zoo.speed", "zoo.distribute", "zoo.cpu")),
    ("models and data", ("zoo.models", "zoo.data", "zoo.saving")),
    ("reports", ("zoo.reports",)),
    ("training", ("zoo.training",)),
    ("serving", ("zoo.serving",)),
    ("the zoo facade", ("zoo",)),
    ("analysis and tuning", ("zoo.analysis", "zoo.evaluation", "zoo.bench", "zoo.reproduce",
                             "tuning")),
    ("command-line options", ("zoo.commandline",)),
    ("recipes", ("recipes",)),
    ("commands and benchmarks", ("zoo.cli", "zoo.serving.cli", "tuning.cli", "benchmarks")),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            out[module_name(path)] = path
    return out


def imports_of(name: str, path: Path, known: set) -> set:
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            # `from zoo import files` imports the module zoo.files; `from zoo.x import f`, zoo.x
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            # the deepest known module the import names (a package's submodule, else the package)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def layer_of(name: str) -> int:
    best, level = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best:
                best, level = len(prefix), i
    return level


def test_there_is_no_import_circle():
    edges = graph()
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert not circles, f"import circles: {circles}"


def test_no_layer_imports_a_higher_one():
    wrong = []
    for name, targets in graph().items():
        own = layer_of(name)
        assert own is not None, f"{name} is in no layer: add it to LAYERS"
        for target in targets:
            if layer_of(target) > own:
                wrong.append(f"{name} ({LAYERS[own][0]}) imports {target} "
                             f"({LAYERS[layer_of(target)][0]})")
    assert not wrong, "\n".join(wrong)


def test_the_checks_see_a_circle_and_an_upward_import(tmp_path):
    # The analysis above would fail on a planted circle and an upward import.
    known = {"zoo.data.a", "zoo.training.b"}
    a = tmp_path / "a.py"
    a.write_text("def f():\n    from zoo.training import b\n")
    assert imports_of("zoo.data.a", a, known) == {"zoo.training.b"}
    assert layer_of("zoo.training.b") > layer_of("zoo.data.a")
