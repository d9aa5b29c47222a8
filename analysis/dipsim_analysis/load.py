"""Loaders for dipsim run files (HDF5, layout in docs/output-format.md).

Each loader opens one group of a run file and returns an ``xarray.Dataset`` (named dimensions
from the file's dimension scales) or a tidy ``pandas.DataFrame``. Nothing here knows the list of
metrics or arrays: whatever the model writes into ``metrics/``, ``graph/`` or ``cascades/`` comes
through. Every loader first checks that the file is a dipsim run and raises
:class:`RunFileError` (a ``ValueError``) naming the file and the reason when it is not.

Loaders read one run. Sweeps (a folder of runs plus an index of their parameters) have their
own loader, :func:`dipsim_analysis.open_sweep` (module :mod:`dipsim_analysis.sweep`), which
returns the same per-country × state values with extra key columns (``arm``, ``replicate``,
parameters).
"""
from __future__ import annotations

import os
import pathlib
import warnings
from typing import Any

import h5py
import numpy as np
import pandas as pd
import xarray as xr

#: Run-file layout versions (root attribute ``format_version``) this package reads.
SUPPORTED_FORMAT_VERSIONS = (1,)

#: Root attributes every dipsim run file has from the moment it is created.
REQUIRED_ROOT_ATTRS = ("format_version", "status")

#: Values of the root attribute ``status`` (docs/output-format.md, "Status values").
STATUS_MEANING = {
    "complete": "every requested step was written",
    "running": "still being written, or the process died (data as of the last flush)",
    "interrupted": "stopped by SIGINT/SIGTERM after a completed step",
    "failed": "stopped by an error",
}

# HDF5's marker for a dimension without coordinate values (netCDF-4 convention).
_NO_COORD_MARK = "This is a netCDF dimension but not a netCDF variable."


class RunFileError(ValueError):
    """A file that cannot be read as a dipsim run (not HDF5, not a run, unknown layout, locked).

    The message starts with the file name and says why, e.g.
    ``notes.txt: not a dipsim run file: not an HDF5 file``.
    """


def resolve_run_path(path: str | os.PathLike[str]) -> pathlib.Path:
    """Returns the file to read for ``path``.

    A run that did not finish keeps the name ``FILE.partial``; asking for ``FILE`` when only
    ``FILE.partial`` exists returns the partial file (its ``status`` attribute says why).

    Args:
        path (str | os.PathLike): run file, with or without the ``.partial`` suffix.
    Returns:
        pathlib.Path: an existing file.
    Raises:
        FileNotFoundError: neither ``path`` nor ``path.partial`` exists.
        RunFileError: ``path`` is a directory.
    """
    p = pathlib.Path(path)
    if p.is_dir():
        raise RunFileError(f"{p}: is a directory, not a run file (for a sweep folder use "
                           "open_sweep)")
    if p.exists():
        return p
    partial = p.with_name(p.name + ".partial")
    if partial.exists():
        return partial
    raise FileNotFoundError(f"{p}: no such file")


def _py(value: Any) -> Any:
    """Converts an HDF5 attribute value to a plain Python value (str, int, float, list)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _py(value[()])
        return [_py(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _open_h5(path: pathlib.Path) -> h5py.File:
    """Opens ``path`` read-only, turning HDF5's errors into :class:`RunFileError`."""
    if not h5py.is_hdf5(path):
        raise RunFileError(f"{path}: not a dipsim run file: not an HDF5 file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        msg = str(e)
        if "lock" in msg.lower():
            raise RunFileError(
                f"{path}: locked by the process writing it (a run in progress?); set "
                "HDF5_USE_FILE_LOCKING=FALSE to read the data as of its last flush") from e
        raise RunFileError(f"{path}: cannot be opened as HDF5: {msg}") from e


def _check_run(f: h5py.File, path: pathlib.Path) -> None:
    missing = [a for a in REQUIRED_ROOT_ATTRS if a not in f.attrs]
    if missing:
        raise RunFileError(f"{path}: not a dipsim run file: an HDF5 file without the root "
                           f"attribute(s) {', '.join(missing)}")
    version = _py(f.attrs["format_version"])
    if version not in SUPPORTED_FORMAT_VERSIONS:
        raise RunFileError(
            f"{path}: run-file format_version {version} is not supported by this "
            f"dipsim_analysis (it reads {', '.join(map(str, SUPPORTED_FORMAT_VERSIONS))}); "
            "use the dipsim_analysis of the dipsim that wrote the file")


def _open_run_h5(path: str | os.PathLike[str]) -> tuple[h5py.File, pathlib.Path]:
    p = resolve_run_path(path)
    f = _open_h5(p)
    try:
        _check_run(f, p)
    except Exception:
        f.close()
        raise
    return f, p


def _require_group(f: h5py.File, path: pathlib.Path, group: str) -> h5py.Group:
    if group not in f or not isinstance(f[group], h5py.Group):
        status = _py(f.attrs.get("status", "?"))
        why = f" (status {status}"
        if "error" in f.attrs:
            why += f": {_py(f.attrs['error'])}"
        why += ")"
        raise RunFileError(f"{path}: run file has no '{group}' group{why}")
    return f[group]


def check_run(path: str | os.PathLike[str]) -> pathlib.Path:
    """Checks that ``path`` is a dipsim run file this package can read.

    Args:
        path (str | os.PathLike): run file (``FILE`` or ``FILE.partial``).
    Returns:
        pathlib.Path: the file that was checked (see :func:`resolve_run_path`).
    Raises:
        FileNotFoundError: no such file.
        RunFileError: not HDF5, not a dipsim run, unsupported format, or locked.
    """
    f, p = _open_run_h5(path)
    f.close()
    return p


def _dim_names(ds: h5py.Dataset) -> list[str]:
    """Names of the dimensions attached to an HDF5 dataset (``dim_<i>`` where none)."""
    names = []
    for i, dim in enumerate(ds.dims):
        if len(dim) > 0:
            names.append(dim[0].name.rsplit("/", 1)[-1])
        else:
            names.append(ds.name.rsplit("/", 1)[-1] if ds.attrs.get("CLASS") == b"DIMENSION_SCALE"
                         else f"dim_{i}")
    return names


def _is_dimension_without_values(ds: h5py.Dataset) -> bool:
    name = ds.attrs.get("NAME", b"")
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    return isinstance(name, str) and name.startswith(_NO_COORD_MARK)


def _read_array(ds: h5py.Dataset) -> np.ndarray:
    if h5py.check_string_dtype(ds.dtype) is not None:
        return np.asarray(ds.asstr()[()], dtype=object)
    return ds[()]


def run_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Summary of a run file: provenance, status, sizes and the list of metrics.

    Works on complete files and on ``.partial`` files (interrupted, failed or killed runs).

    Args:
        path (str | os.PathLike): run file.
    Returns:
        dict: every root attribute as a plain Python value (``status``, ``seed``, ``scenario``,
        ``dipsim_version``, …, whatever the file has) plus ``path`` (the file read), ``groups``
        (list of group names), ``num_steps`` (rows in ``metrics/``), ``last_step``,
        ``countries``, ``states``, ``metrics`` (name → ``{"units", "long_name"}``),
        ``snapshot_steps``, ``graph`` and ``cascades`` (the groups' attributes), ``tables``
        (group → {dimension: length} for every group of 1-D arrays, see :func:`open_table`).
    Raises:
        FileNotFoundError, RunFileError: see :func:`check_run`.
    """
    f, p = _open_run_h5(path)
    with f:
        info: dict[str, Any] = {k: _py(v) for k, v in f.attrs.items()}
        info["path"] = str(p)
        info["groups"] = [k for k in f if isinstance(f[k], h5py.Group)]
        info.update(num_steps=0, last_step=None, countries=[], states=[], metrics={},
                    snapshot_steps=[], graph={}, cascades={}, tables={})
        if "metrics" in f:
            m = f["metrics"]
            if "step" in m:
                steps = m["step"][()]
                info["num_steps"] = int(len(steps))
                info["last_step"] = int(steps[-1]) if len(steps) else None
            for coord, key in (("country", "countries"), ("state", "states")):
                if coord in m:
                    info[key] = list(_read_array(m[coord]))
            for name in _metric_names_h5(m):
                info["metrics"][name] = {
                    "units": _py(m[name].attrs.get("units", "")),
                    "long_name": _py(m[name].attrs.get("long_name", "")),
                }
        if "snapshots" in f and "snapshot_step" in f["snapshots"]:
            info["snapshot_steps"] = [int(s) for s in f["snapshots/snapshot_step"][()]]
        for group in ("graph", "cascades"):
            if group in f:
                info[group] = {k: _py(v) for k, v in f[group].attrs.items()}
        info["tables"] = {name: _table_dims(f[name]) for name in info["groups"]
                          if name not in ("metrics", "snapshots") and _table_dims(f[name])}
    return info


def _metric_names_h5(m: h5py.Group) -> list[str]:
    """Metric datasets of a ``metrics`` group: every dataset that has a ``step`` dimension and
    is not itself a coordinate."""
    names = []
    for name, obj in m.items():
        if not isinstance(obj, h5py.Dataset) or obj.attrs.get("CLASS") == b"DIMENSION_SCALE":
            continue
        if "step" in _dim_names(obj):
            names.append(name)
    return names


def run_scenario(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The resolved scenario stored in a run (root attribute ``scenario``), parsed.

    Args:
        path (str | os.PathLike): run file.
    Returns:
        dict: the scenario as nested dicts and lists (every key with its value, defaults
        filled in, overrides applied); ``{}`` if the file holds no scenario text.
    Raises:
        FileNotFoundError, RunFileError: see :func:`check_run`; RunFileError also when the text
        is not valid YAML.
    """
    import yaml  # Debian python3-yaml; imported here so the other loaders work without it

    f, p = _open_run_h5(path)
    with f:
        text = _py(f.attrs.get("scenario", ""))
    if not text:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise RunFileError(f"{p}: the scenario attribute is not valid YAML: {e}") from e
    return data if isinstance(data, dict) else {}


def _provenance_attrs(f: h5py.File, p: pathlib.Path) -> dict[str, Any]:
    attrs = {k: _py(v) for k, v in f.attrs.items()}
    attrs["source"] = str(p)
    return attrs


def open_run(path: str | os.PathLike[str], lazy: bool = True) -> xr.Dataset:
    """Opens the metric time series of a run as an ``xarray.Dataset``.

    Every dataset of ``metrics/`` becomes a variable with dimensions ``(step, country, state)``
    (coordinates: step numbers, country and state names) and keeps its ``units`` and
    ``long_name`` attributes. The run's provenance (every root attribute: ``status``, ``seed``,
    ``scenario`` text, ``dipsim_version``, …) is in ``ds.attrs``, plus ``source`` (the file read).

    Works on ``.partial`` files: an interrupted run has every completed step. If a killed run
    left metrics of unequal length (the last flush cut a step), the rows present in every metric
    are returned, read eagerly, with a warning.

    Args:
        path (str | os.PathLike): run file (``FILE`` or ``FILE.partial``).
        lazy (bool): True reads values only when used (the file stays open until
            ``ds.close()``); False loads everything into memory and closes the file.
    Returns:
        xarray.Dataset: the metrics.
    Raises:
        FileNotFoundError, RunFileError: see :func:`check_run`; RunFileError also when the file
        has no ``metrics`` group (e.g. a run that failed before writing anything).
    """
    f, p = _open_run_h5(path)
    with f:
        m = _require_group(f, p, "metrics")
        attrs = _provenance_attrs(f, p)
        names = _metric_names_h5(m)
        lengths = ({len(m["step"])} | {m[n].shape[0] for n in names}) if "step" in m else set()
        if len(lengths) > 1:
            n = min(lengths)
            warnings.warn(f"{p}: metrics have unequal numbers of rows {sorted(lengths)} (a run "
                          f"killed mid-write); using the first {n}", RuntimeWarning, stacklevel=2)
            ds = _metrics_eager(m, names, n)
            ds.attrs.update(attrs)
            return ds
    try:
        ds = xr.open_dataset(p, group="metrics", engine="h5netcdf")
    except OSError as e:
        raise RunFileError(f"{p}: cannot open metrics with xarray: {e}") from e
    ds.attrs.update(attrs)
    if not lazy:
        ds.load()
        ds.close()
    return ds


def _metrics_eager(m: h5py.Group, names: list[str], n: int) -> xr.Dataset:
    """Builds the metrics dataset from h5py reads of the first ``n`` rows."""
    coords: dict[str, Any] = {"step": m["step"][:n]}
    for c in ("country", "state"):
        if c in m:
            coords[c] = _read_array(m[c])
    data = {}
    for name in names:
        ds = m[name]
        dims = _dim_names(ds)
        data[name] = xr.Variable(dims, ds[:n], attrs={k: _py(v) for k, v in ds.attrs.items()
                                                      if k in ("units", "long_name")})
    return xr.Dataset(data, coords=coords)


def open_snapshots(path: str | os.PathLike[str]) -> xr.Dataset:
    """Opens the attitude snapshots of a run, lazily.

    The dataset has ``attitude (snapshot, citizen, state)`` (float32, [-1, 1]) with coordinates
    ``snapshot_step`` (along ``snapshot``), ``citizen`` (node ids), ``state`` (names) and, when
    the file has the graph, ``country`` (each citizen's country name, along ``citizen``).
    Values are read from the file only when used, e.g.
    ``s.attitude.isel(snapshot=-1).sel(state="Alpha").values`` reads one snapshot's column.
    Select by step with ``s.swap_dims(snapshot="snapshot_step").sel(snapshot_step=24)``.

    Args:
        path (str | os.PathLike): run file.
    Returns:
        xarray.Dataset: the snapshots (keep it open while reading; ``close()`` when done).
    Raises:
        FileNotFoundError, RunFileError: see :func:`check_run`; RunFileError also when the run
        has no snapshots (the scenario scheduled none).
    """
    f, p = _open_run_h5(path)
    with f:
        _require_group(f, p, "snapshots")
        attrs = _provenance_attrs(f, p)
        country = None
        if "graph/node_country" in f and "graph/country" in f and "snapshots/citizen" in f:
            citizens = f["snapshots/citizen"][()]
            node_country = f["graph/node_country"][()]
            if not len(citizens) or citizens.max() < len(node_country):
                country = _lookup_names(node_country[citizens], _read_array(f["graph/country"]))
    try:
        ds = xr.open_dataset(p, group="snapshots", engine="h5netcdf")
    except OSError as e:
        raise RunFileError(f"{p}: cannot open snapshots with xarray: {e}") from e
    if country is not None:
        ds = ds.assign_coords(country=("citizen", country))
    ds.attrs.update(attrs)
    return ds


def _lookup_names(index: np.ndarray, names: np.ndarray) -> np.ndarray:
    """Maps integer indices to names; indices past the end (e.g. 65535, "none") give None."""
    out = np.full(len(index), None, dtype=object)
    known = index < len(names)
    out[known] = names[index[known]]
    return out


def _table_dims(g: h5py.Group) -> dict[str, int]:
    """Dimensions of the 1-D arrays of a group, with their lengths, in file order."""
    dims: dict[str, int] = {}
    for obj in g.values():
        if isinstance(obj, h5py.Dataset) and obj.ndim == 1:
            dims.setdefault(_dim_names(obj)[0], obj.shape[0])
    return dims


def open_table(path: str | os.PathLike[str], group: str, dim: str | None = None,
               names_for: tuple[str, str, str] | None = None) -> pd.DataFrame:
    """Every 1-D array of a group along one dimension, as one frame.

    Works for any group of 1-D arrays the model writes (``graph``, ``cascades``,
    ``scorecard``, …): the first column is the dimension (its coordinate values, e.g. state
    names, or 0…n−1 when it has none), then one column per array in file order.

    Args:
        path (str | os.PathLike): run file.
        group (str): group name, e.g. ``"scorecard"``.
        dim (str | None): dimension whose arrays to return; may be omitted when the group's
            arrays all share one dimension.
        names_for (tuple[str, str, str] | None): ``(column, new_column, coordinate dataset)``
            adds ``new_column`` after ``column``, mapping its integer values to the names in
            the coordinate dataset (e.g. ``("state", "state_name", "metrics/state")``).
    Returns:
        pandas.DataFrame: one row per element of ``dim``; ``frame.attrs`` holds the group's
        attributes, ``source``, ``dims`` (the group's dimensions) and ``units`` (column →
        ``units`` attribute, for the arrays that have one).
    Raises:
        FileNotFoundError, RunFileError: see :func:`check_run`; RunFileError also when the
        group is missing, has no array along ``dim``, or has several dimensions and no ``dim``
        was given.
    """
    f, p = _open_run_h5(path)
    with f:
        g = _require_group(f, p, group)
        if dim is None:
            dims = list(_table_dims(g))
            if len(dims) != 1:
                raise RunFileError(f"{p}: group '{group}' has arrays along {dims or 'no'} "
                                   "dimensions; say which with dim=")
            dim = dims[0]
        columns: dict[str, np.ndarray] = {}
        units: dict[str, str] = {}
        index_values = None
        for name, obj in g.items():
            if not isinstance(obj, h5py.Dataset) or obj.ndim != 1:
                continue
            if _dim_names(obj)[0] != dim:
                continue
            if name == dim:
                if not _is_dimension_without_values(obj):
                    index_values = _read_array(obj)
                continue
            columns[name] = _read_array(obj)
            if "units" in obj.attrs:
                units[name] = _py(obj.attrs["units"])
            legend = _py(obj.attrs.get("legend", ""))
            if isinstance(legend, str) and "=" in legend:
                labels = _parse_legend(legend)
                columns[name + "_label"] = pd.Categorical(
                    [labels.get(int(v)) for v in columns[name]],
                    categories=list(dict.fromkeys(labels.values())))
        if not columns and index_values is None:
            raise RunFileError(f"{p}: group '{group}' has no arrays along dimension '{dim}' "
                               f"(it has: {', '.join(_table_dims(g)) or 'none'})")
        n = len(next(iter(columns.values()))) if columns else len(index_values)
        frame = pd.DataFrame({dim: index_values if index_values is not None else np.arange(n)})
        for name, values in columns.items():
            frame[name] = values
        frame.attrs = {k: _py(v) for k, v in g.attrs.items()}
        frame.attrs["source"] = str(p)
        frame.attrs["dims"] = list(_table_dims(g))
        frame.attrs["units"] = units
        if names_for is not None:
            column, new_column, coord = names_for
            if (column in frame and coord in f
                    and np.issubdtype(frame[column].dtype, np.integer)):
                frame.insert(frame.columns.get_loc(column) + 1, new_column,
                             _lookup_names(frame[column].to_numpy(), _read_array(f[coord])))
        return frame


def _parse_legend(legend: str) -> dict[int, str]:
    """Parses ``"0=citizen 1=official"`` (also comma- or semicolon-separated) into a dict."""
    out = {}
    for token in legend.replace(",", " ").replace(";", " ").split():
        key, _, value = token.partition("=")
        try:
            out[int(key)] = value
        except ValueError:
            continue
    return out


def open_graph(path: str | os.PathLike[str], dim: str = "node") -> pd.DataFrame:
    """One table of the ``graph/`` group: every 1-D array along dimension ``dim``.

    With the default ``dim="node"`` there is one row per account: ``node`` (id), then every
    per-node array (``node_country``, ``node_kind``, ``out_degree``, ``in_degree``, …). Arrays
    with a ``legend`` attribute (``"0=citizen 1=official …"``) get a categorical ``<name>_label``
    column; ``node_country`` also gets ``country`` (the name, missing for accounts without one).
    Other tables: ``dim="country"`` (population, online citizens, …) and whatever other
    dimensions the group has (listed in ``frame.attrs["dims"]``, e.g. the official accounts).
    ``frame.attrs`` also holds the group's attributes (``num_nodes``, ``num_edges``, …).

    Args:
        path (str | os.PathLike): run file.
        dim (str): dimension whose arrays to return.
    Returns:
        pandas.DataFrame: one row per element of ``dim``.
    Raises:
        FileNotFoundError, RunFileError: see :func:`check_run`; RunFileError also when there is
        no ``graph`` group or no array along ``dim``.
    """
    return open_table(path, "graph", dim,
                      ("node_country", "country", "graph/country") if dim == "node" else None)


def open_cascades(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The cascade table of a run: one row per original item (reshared or not).

    Columns: ``cascade`` (row number), then every array of ``cascades/`` (``root_item``,
    ``author``, ``state``, ``size``, ``depth``, ``start_step``, ``lifetime``, ``quality``, …,
    whatever the model wrote) and ``state_name`` (the state's name, from ``metrics/state``).
    ``frame.attrs`` holds the group's attributes (``num_items``, …).

    Args:
        path (str | os.PathLike): run file.
    Returns:
        pandas.DataFrame: the cascades (empty, with its columns, when nothing was posted).
    Raises:
        FileNotFoundError, RunFileError: see :func:`check_run`; RunFileError also when there is
        no ``cascades`` group.
    """
    return open_table(path, "cascades", "cascade", ("state", "state_name", "metrics/state"))
