"""legacy-mlops local runs: a batch transform job without a serving container.

SageMaker's batch transform starts the model's serving container, splits each input file into
records (SplitType Line: one line each), sends them in mini-batches (BatchStrategy MultiRecord, up to
MaxPayloadInMB) and assembles the answers (AssembleWith Line) into <input file>.out. The scikit-learn
serving container imports SAGEMAKER_PROGRAM from SAGEMAKER_SUBMIT_DIRECTORY and calls
model_fn(model_dir) once, then input_fn -> predict_fn -> output_fn per request. This driver does the
same in one process, reading the records from files instead of HTTP requests.
"""
import importlib
import os
import sys
import traceback
from pathlib import Path

ENV = os.environ


def defaults(module):
    """The serving toolkit's defaults for the functions the inference code leaves out (CSV in, CSV out)."""
    import numpy as np

    def input_fn(body, content_type):
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        return np.genfromtxt(text.splitlines(), delimiter=",", ndmin=2)

    def predict_fn(data, model):
        return model.predict(data)

    def output_fn(prediction, accept):
        rows = np.atleast_1d(np.asarray(prediction))
        return "\n".join(",".join(map(str, np.atleast_1d(row))) for row in rows) + "\n"

    return (getattr(module, "input_fn", input_fn), getattr(module, "predict_fn", predict_fn), getattr(module, "output_fn", output_fn))


def batches(records, strategy, max_bytes):
    if strategy == "SingleRecord":
        yield from ([r] for r in records)
        return
    batch, size = [], 0
    for record in records:
        if batch and size + len(record) > max_bytes:
            yield batch
            batch, size = [], 0
        batch.append(record)
        size += len(record)
    if batch:
        yield batch


def as_bytes(answer):
    if isinstance(answer, tuple):  # (body, content type), as the serving toolkit accepts
        answer = answer[0]
    return answer if isinstance(answer, bytes) else str(answer).encode("utf-8")


def main():
    program = ENV["SAGEMAKER_PROGRAM"]
    sys.path.insert(0, ENV["SAGEMAKER_SUBMIT_DIRECTORY"])
    module = importlib.import_module(Path(program).stem)
    if not hasattr(module, "model_fn"):
        raise AttributeError(f"{program} defines no model_fn(model_dir): the serving container could not load the model")
    input_fn, predict_fn, output_fn = defaults(module)
    model = module.model_fn(ENV["LEGACY_MLOPS_MODEL_DIR"])
    content_type, accept = ENV.get("LEGACY_MLOPS_CONTENT_TYPE", "text/csv"), ENV.get("LEGACY_MLOPS_ACCEPT", "text/csv")
    split, strategy = ENV.get("LEGACY_MLOPS_SPLIT_TYPE", "None"), ENV.get("LEGACY_MLOPS_BATCH_STRATEGY", "MultiRecord")
    max_bytes = int(float(ENV.get("LEGACY_MLOPS_MAX_PAYLOAD_MB", "6")) * 1024 * 1024)
    assemble = ENV.get("LEGACY_MLOPS_ASSEMBLE_WITH", "None")
    source, target = Path(ENV["LEGACY_MLOPS_TRANSFORM_INPUT"]), Path(ENV["LEGACY_MLOPS_TRANSFORM_OUTPUT"])
    files = sorted(p for p in source.rglob("*") if p.is_file())
    if not files:
        raise FileNotFoundError(f"no input files in {source}")
    total = 0
    for path in files:
        data = path.read_bytes()
        records = [line for line in data.splitlines(keepends=True) if line.strip()] if split == "Line" else [data]
        answers = []
        for batch in batches(records, strategy, max_bytes):
            body = b"".join(r if r.endswith(b"\n") else r + b"\n" for r in batch) if split == "Line" else batch[0]
            answers.append(as_bytes(output_fn(predict_fn(input_fn(body, content_type), model), accept)))
        joined = b"".join(a if (assemble != "Line" or a.endswith(b"\n")) else a + b"\n" for a in answers)
        out = target / path.relative_to(source).with_name(path.name + ".out")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(joined)
        total += len(records)
        print(f"transform: {path.relative_to(source)}: {len(records)} records -> {out.name}", flush=True)
    print(f"transform: {total} records in {len(files)} file(s)")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # the job fails with the reason, as a failed container would
        traceback.print_exc()
        failure = Path(ENV.get("LEGACY_MLOPS_FAILURE_FILE", "/opt/ml/output/failure"))
        failure.parent.mkdir(parents=True, exist_ok=True)
        failure.write_text(f"{type(error).__name__}: {error}"[:1024], encoding="utf-8")
        sys.exit(1)
