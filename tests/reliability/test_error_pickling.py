"""Every imgzoo exception survives pickling (DataLoader workers, multiprocessing, Ray) with its type, message and
structured fields, and the fields are there to branch on."""
from __future__ import annotations

import inspect
import multiprocessing
import pickle

import pytest

import imgzoo
import imgzoo.errors as errors

FIELDS = dict(repo_id='org/repo', revision='main', filename='model.safetensors', path='/models/x',
              architecture='resnet18')
# Classes whose __init__ builds the message from data: the arguments to build one with.
CUSTOM_ARGS = {
    errors.UnknownModelError: (('resnet1800', ['resnet18', 'resnet101']), {}),
    errors.UnknownPretrainedTagError: (('resnet18', 'nope', ['a1_in1k', 'tv_in1k']), {}),
    errors.StateDictMismatchError: (('resnet18',), dict(
        missing=['fc.bias'], unexpected=['head.weight'], mismatched=[('fc.weight', (10, 512), (1000, 512))],
        source='/models/x/model.safetensors', wrong_dtypes=[('conv1.weight', 'torch.float32', 'torch.int64')])),
}
ALL_CLASSES = sorted(
    (cls for _, cls in inspect.getmembers(errors, inspect.isclass)
     if issubclass(cls, errors.ImgzooError) and cls.__module__ == errors.__name__),
    key=lambda cls: cls.__name__,
)


def build(cls):
    if cls in CUSTOM_ARGS:
        args, kwargs = CUSTOM_ARGS[cls]
        return cls(*args, **kwargs)
    assert cls.__init__ is errors.ImgzooError.__init__, (
        f'{cls.__name__} has its own __init__: add sample arguments to CUSTOM_ARGS')
    return cls(f'{cls.__name__}: something went wrong', **FIELDS, problems={'config.json': 'missing'})


def test_the_list_covers_every_class_and_each_subclasses_a_standard_exception():
    assert len(ALL_CLASSES) >= 25 and errors.ImgzooError in ALL_CLASSES
    for cls in ALL_CLASSES:
        standard = [b for b in cls.__mro__ if b.__module__ == 'builtins' and b not in (Exception, BaseException, object)]
        assert cls is errors.ImgzooError or standard, f'{cls.__name__} subclasses no standard exception'
        if cls is not errors.ImgzooError:
            assert getattr(imgzoo, cls.__name__) is cls, f'{cls.__name__} is not exported from imgzoo'


@pytest.mark.parametrize('cls', ALL_CLASSES, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize('protocol', [0, pickle.HIGHEST_PROTOCOL])
def test_every_error_round_trips_through_pickle(cls, protocol):
    error = build(cls)
    copy = pickle.loads(pickle.dumps(error, protocol=protocol))
    assert type(copy) is cls
    assert str(copy) == str(error) and copy.args == error.args and len(copy.args) == 1
    assert copy.__dict__ == error.__dict__ and copy.fields == error.fields
    assert copy.fields, 'an error without structured fields'


def test_class_specific_fields_are_data():
    unknown = build(errors.UnknownPretrainedTagError)
    assert (unknown.architecture, unknown.tag, unknown.known_tags) == ('resnet18', 'nope', ['a1_in1k', 'tv_in1k'])
    mismatch = build(errors.StateDictMismatchError)
    assert mismatch.architecture == 'resnet18' and mismatch.mismatched == [('fc.weight', (10, 512), (1000, 512))]
    assert (mismatch.missing, mismatch.unexpected) == (['fc.bias'], ['head.weight'])
    plain = errors.HubError('message only')
    assert (plain.repo_id, plain.revision, plain.filename, plain.path, plain.architecture) == (None,) * 5


def _create(name: str) -> None:
    imgzoo.create_model(name, pretrained=True)


@pytest.mark.timeout(120)
def test_errors_raised_in_a_worker_process_arrive_whole(tmp_path):
    """What a DataLoader worker or a multiprocessing pool does: the parent gets the worker's exception."""
    context = multiprocessing.get_context('fork')
    with context.Pool(1) as pool:
        with pytest.raises(errors.UnknownPretrainedTagError) as info:
            pool.apply(_create, ('resnet18.nope',))
        assert (info.value.architecture, info.value.tag) == ('resnet18', 'nope')
        assert 'a1_in1k' in info.value.known_tags
        with pytest.raises(errors.ModelFolderNotFoundError) as info:
            pool.apply(_create, (f'local:{tmp_path / "missing"}',))
        assert info.value.path == str(tmp_path / 'missing')
