"""gt.Module: variable and submodule discovery, order, deduplication, naming."""

import numpy as np
import pytest

import gradtape as gt


class Leaf(gt.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.w = gt.Variable([1.0], name="w")
        self.b = gt.Variable([2.0], name="b")


class Tree(gt.Module):
    def __init__(self):
        super().__init__()
        self.counter = gt.Variable(0, trainable=False, name="counter")
        self.leaves = [Leaf("l0"), (Leaf("l1"), {"z": Leaf("lz"), "a": gt.Variable([3.0], name="da")})]
        self.alias = self.leaves[0]          # the same module twice
        self.shared = self.leaves[0].w       # the same variable twice
        self.config = {"not": "a module", "n": 3}


def test_default_name_is_snake_case_class_name():
    class MyFancyModel(gt.Module):
        pass

    assert MyFancyModel().name == "my_fancy_model"
    assert MyFancyModel(name="custom").name == "custom"
    with pytest.raises(ValueError):
        MyFancyModel(name="")


def test_variables_found_through_nested_lists_tuples_dicts_in_deterministic_order():
    t = Tree()
    names = [v.name for v in t.variables]
    # this module's own variables (attribute order, dict keys sorted) first, then submodules'
    assert names == ["counter:0", "da:0", "w:0", "b:0", "w:0", "b:0", "w:0", "b:0"]
    assert [m.name for m in t.submodules] == ["l0", "l1", "lz"]
    # deduplicated by identity
    ids = [id(v) for v in t.variables]
    assert len(ids) == len(set(ids)) == 8
    # order is stable across calls and instances
    assert [id(v) for v in t.variables] == ids
    assert [v.name for v in Tree().variables] == names


def test_trainable_split():
    t = Tree()
    assert len(t.trainable_variables) == 7
    assert [v.name for v in t.non_trainable_variables] == ["counter:0"]
    assert all(v.trainable for v in t.trainable_variables)


def test_submodules_of_submodules_and_cycles():
    a, b = Leaf("a"), Leaf("b")
    a.child = b
    b.parent = a  # a cycle must not loop forever
    assert [m.name for m in a.submodules] == ["b"]
    assert len(a.variables) == 4


def test_named_variables_paths():
    t = Tree()
    paths = [p for p, _ in t._named_variables()]
    # a module's own attributes come before its submodules', so the alias claims l0's w
    assert paths[:3] == ["counter", "leaves/1/1/a", "shared"]
    assert "leaves/0/w" not in paths and "leaves/0/b" in paths and "leaves/1/1/z/w" in paths


def test_module_without_init_call_gives_clear_error():
    class Bad(gt.Module):
        def __init__(self):
            self.v = gt.Variable(1.0)

    with pytest.raises(RuntimeError, match="super"):
        _ = Bad().name


def test_variables_are_watched_by_tape():
    m = Leaf()
    with gt.GradientTape() as tape:
        y = gt.reduce_sum(m.w * 3.0 + m.b)
    g = tape.gradient(y, m.trainable_variables)
    np.testing.assert_allclose([x.numpy() for x in g], [[3.0], [1.0]])


def test_fast_leaf_walk_lists_what_the_path_walk_lists_in_the_same_order():
    inner = gt.Module(name="inner")
    inner.v = gt.Variable(1.0, name="v")
    shared = gt.Variable(2.0, name="shared")
    outer = gt.Module(name="outer")
    outer.a = {"z": shared, "b": [inner, (gt.Variable(3.0, name="t"), shared)], 1: "text"}
    outer.inner_again = inner
    outer.text, outer.number = "x", 4
    inner.back = outer  # a cycle
    for recurse in (True, False):
        assert [leaf for _, leaf in outer._walk(recurse)] == outer._leaves(recurse)
    assert [v.name for v in outer.variables] == ["shared:0", "t:0", "v:0"]
