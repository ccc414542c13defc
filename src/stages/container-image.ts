/** What the Dockerfile legacy-mlops writes for a container stage is built on. */

/** Current slim Debian-based Python image. */
export const CONTAINER_BASE_IMAGE = 'python:3.12-slim-bookworm';
export const CONTAINER_PYTHON_VERSION = '3.12';
/** Pinned so image builds are reproducible; both versions publish wheels for Python 3.12. */
export const CONTAINER_REQUIREMENTS = ['pandas==2.2.3', 'numpy==2.1.3'] as const;
