/**
 * Every test file starts here: local runs use the interpreter they are given (LEGACY_MLOPS_PYTHON, with
 * pandas), as `--no-envs` does, so a test does not build stage environments unless it asks with `envs: true`.
 */
process.env.LEGACY_MLOPS_ENVS ??= 'off';
