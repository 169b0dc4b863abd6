from collections import OrderedDict  # imported classes do not count  # noqa: F401

VALUE = 1
