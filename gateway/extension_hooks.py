"""Strawberry's extension hooks found once per extension class, not four times per request.

For every request strawberry builds one context manager per phase (operation, parsing, validation, executing), and
each one asks every extension of the schema (nine here) whether its class overrides that phase's hook: a `getattr`,
`inspect`'s checks, and a fresh `contextlib.contextmanager` wrapper (`functools.update_wrapper`) for each hook it
has, ~36 look-ups and ~9 wrappers a request. Which hooks a class has, and of which kind, never changes: here it is
decided once per (class, phase) and each request only binds its extension instance to the kept wrapper. The hooks
run as strawberry runs them (same order, same context managers); only the finding is kept.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner

# A phase's hook of a class: the context-manager factory taking the extension instance, and whether it is async;
# None when the class keeps SchemaExtension's default (no hook for that phase).
KeptHook = tuple[Callable[[SchemaExtension], Any], bool] | None
_kept: dict[tuple[type[SchemaExtension], str], KeptHook] = {}


def _find(cls: type[SchemaExtension], name: str) -> KeptHook:
    """What strawberry's `ExtensionContextManagerBase.get_hook` decides for `cls`, as an unbound factory."""
    hook_fn = getattr(cls, name)
    if hook_fn is getattr(SchemaExtension, name):
        return None
    if inspect.isgeneratorfunction(hook_fn):
        return contextlib.contextmanager(hook_fn), False
    if inspect.isasyncgenfunction(hook_fn):
        return contextlib.asynccontextmanager(hook_fn), True
    if not callable(hook_fn):
        raise ValueError(f"Hook {name} on {cls} must be callable, received {hook_fn!r}")
    if inspect.iscoroutinefunction(hook_fn):

        @contextlib.asynccontextmanager
        async def awaited(extension: SchemaExtension) -> AsyncIterator[None]:
            await hook_fn(extension)
            yield

        return awaited, True

    @contextlib.contextmanager
    def called(extension: SchemaExtension) -> Iterator[None]:
        hook_fn(extension)
        yield

    return called, False


class KeptHooks(ExtensionContextManagerBase):
    """A phase's context manager whose hooks are looked up in the per-class table."""

    __slots__ = ()

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        key = (type(extension), self.HOOK_NAME)
        try:
            kept = _kept[key]
        except KeyError:
            kept = _kept[key] = _find(type(extension), self.HOOK_NAME)
        if kept is None:
            return None
        factory, is_async = kept
        return WrappedHook(extension=extension, hook=partial(factory, extension), is_async=is_async)


class KeptOperation(KeptHooks, OperationContextManager):
    __slots__ = ()


class KeptParsing(KeptHooks, ParsingContextManager):
    __slots__ = ()


class KeptValidation(KeptHooks, ValidationContextManager):
    __slots__ = ()


class KeptExecuting(KeptHooks, ExecutingContextManager):
    __slots__ = ()


class KeptHooksRunner(SchemaExtensionsRunner):
    """Strawberry's runner with the four request phases' managers above (streamed results keep strawberry's)."""

    def operation(self) -> OperationContextManager:
        return KeptOperation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return KeptParsing(self.extensions)

    def validation(self) -> ValidationContextManager:
        return KeptValidation(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return KeptExecuting(self.extensions)
