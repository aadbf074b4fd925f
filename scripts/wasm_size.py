#!/usr/bin/env python3
"""What the browser bundle is made of: the code bytes of a wasm file by owner, like `twiggy top`
grouped by crate, from the function names rustc leaves in the name section (read the wasm
before wasm-opt strips them: target/front/wasm32-unknown-unknown/wasm-release/app.wasm).

A function is counted under Keel's page module, server-function module or core module when one
appears anywhere in its (demangled) name, as monomorphised framework code does; otherwise under
the crate its name starts with. Serde decoders cannot be traced to the type they decode (legacy
mangling drops generic arguments), so they are counted together.

    python3 scripts/wasm_size.py target/front/wasm32-unknown-unknown/wasm-release/app.wasm
"""
import collections
import re
import sys


def leb(b, i):
    result = shift = 0
    while True:
        x = b[i]
        i += 1
        result |= (x & 0x7F) << shift
        shift += 7
        if x < 0x80:
            return result, i


def sections(data):
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        yield sid, i, size
        i += size


def function_imports(data, off):
    count, j = leb(data, off)
    functions = 0
    for _ in range(count):
        for _ in range(2):
            n, j = leb(data, j)
            j += n
        kind = data[j]
        j += 1
        if kind == 0:
            _, j = leb(data, j)
            functions += 1
        elif kind == 1:
            j += 1
            flags, j = leb(data, j)
            _, j = leb(data, j)
            if flags & 1:
                _, j = leb(data, j)
        elif kind == 2:
            flags, j = leb(data, j)
            _, j = leb(data, j)
            if flags & 1:
                _, j = leb(data, j)
        elif kind == 3:
            j += 2
    return functions


def demangle(name):
    if not name.startswith("_ZN"):
        return name
    i, parts = 3, []
    while i < len(name) and name[i].isdigit():
        j = i
        while name[j].isdigit():
            j += 1
        n = int(name[i:j])
        parts.append(name[j : j + n])
        i = j + n
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    text = "::".join(parts)
    for code, char in [("$LT$", "<"), ("$GT$", ">"), ("$RF$", "&"), ("$u20$", " "), ("$C$", ","),
                       ("$u7b$", "{"), ("$u7d$", "}"), ("$BP$", "*"), ("$LP$", "("), ("$RP$", ")"),
                       ("$u5b$", "["), ("$u5d$", "]"), ("$u27$", "'"), ("$u3b$", ";"), ("$u21$", "!")]:
        text = text.replace(code, char)
    return text.replace("..", "::").lstrip("_")


FRAMEWORK = {"reactive_graph", "tachys", "leptos", "leptos_router", "leptos_server", "leptos_meta",
             "server_fn", "wasm_bindgen", "js_sys", "web_sys", "any_spawner", "throw_error",
             "futures_util", "futures_channel", "futures_core", "or_poisoned", "send_wrapper"}
SERDE = {"serde_json", "serde_qs", "serde_core", "serde", "serde_urlencoded"}
RUST = {"core", "alloc", "std", "hashbrown", "compiler_builtins", "dlmalloc"}


def owner(name):
    for pattern, label in [(r"app::ui::pages::(\w+)", "keel pages::{}"), (r"app::api::(\w+)", "keel api::{}"),
                           (r"keel_core::(\w+)", "keel_core::{}")]:
        m = re.search(pattern, name)
        if m:
            return label.format(m.group(1))
    if "app::ui::components" in name or "app::ui::" in name:
        return "keel ui (shell, components)"
    # A blanket impl (`<T as tachys::view::Render>::build`) belongs to the trait's crate.
    m = re.match(r"<[A-Z]\w* as ([A-Za-z_][A-Za-z0-9_]*)::", name) or re.match(
        r"[<&\s]*(?:mut\s+)?(?:dyn\s+)?([A-Za-z_][A-Za-z0-9_]*)::", name
    )
    crate = m.group(1) if m else ""
    if name.startswith("__wbindgen") or crate.startswith("wasm_bindgen"):
        return "framework: wasm-bindgen glue"
    if crate in FRAMEWORK:
        return f"framework: {crate}"
    if crate in SERDE:
        return f"serde: {crate}"
    if crate in RUST:
        return "rust: core/alloc/std"
    if name.startswith("_R"):
        return "other: v0-mangled (std intrinsics)"
    return f"other: {crate or name[:24]}"


def main(path):
    data = open(path, "rb").read()
    imported, bodies, names = 0, [], {}
    for sid, off, size in sections(data):
        if sid == 2:
            imported = function_imports(data, off)
        elif sid == 10:
            count, j = leb(data, off)
            for _ in range(count):
                n, k = leb(data, j)
                bodies.append(n + (k - j))
                j = k + n
        elif sid == 0:
            n, j = leb(data, off)
            if data[j : j + n] == b"name":
                j += n
                end = off + size
                while j < end:
                    sub = data[j]
                    sub_size, j = leb(data, j + 1)
                    if sub == 1:
                        count, k = leb(data, j)
                        for _ in range(count):
                            index, k = leb(data, k)
                            n, k = leb(data, k)
                            names[index] = data[k : k + n].decode("utf8", "replace")
                            k += n
                    j += sub_size
    total = sum(bodies)
    groups = collections.Counter()
    for i, size in enumerate(bodies):
        groups[owner(demangle(names.get(imported + i, "?")))] += size
    print(f"{total:,} code bytes in {len(bodies):,} functions ({path})")
    for group, size in groups.most_common(40):
        print(f"{size:>10,} {100 * size / total:5.1f}%  {group}")
    summary = collections.Counter()
    for group, size in groups.items():
        summary[group.split(":")[0].split(" ")[0]] += size
    print("-- summary")
    for group, size in summary.most_common():
        print(f"{size:>10,} {100 * size / total:5.1f}%  {group}")


if __name__ == "__main__":
    main(sys.argv[1])
