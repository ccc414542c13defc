/**
 * The Python packages each prebuilt SageMaker framework image ships, as data: what a stage's code can
 * import in the cloud without listing it, so a local run can build an environment like the image's.
 *
 * Keyed by the framework and version identifiers of ./framework-images.ts. Each row was read from AWS's
 * public container repositories (the repository, git ref and files are in `source`); no API serves
 * these sets, so the table is kept by hand. Only packages a stage script may import are listed
 * (the framework, the numerical stack, pyarrow, boto3): the serving stack (Flask, gunicorn,
 * multi-model-server, sagemaker-training) is not, as the local runner provides the job contract itself.
 * A specifier is pip's: `==` where the image pins the version, a range where it only bounds it.
 */
import { FRAMEWORKS, recogniseFrameworkImage } from './framework-images.js';
import type { FrameworkName } from './types.js';

export interface PackageSetSource {
  /** GitHub repository, `owner/name`. */
  readonly repository: string;
  /** Branch or tag the files were read at. */
  readonly ref: string;
  readonly paths: readonly string[];
}

export interface ImagePackageSet {
  readonly framework: FrameworkName;
  /** Version as SageMaker names it (the version column of ./framework-images.ts). */
  readonly version: string;
  /** The image's Python, `major.minor` (or more precise where the image pins it). */
  readonly python: string;
  /** Distribution name → pip version specifier (`==1.4.2`, `>=2.0.0`, `<2`, or '' for any). */
  readonly packages: Readonly<Record<string, string>>;
  readonly source: PackageSetSource;
}

const SKLEARN_REPO = 'aws/sagemaker-scikit-learn-container';
const XGBOOST_REPO = 'aws/sagemaker-xgboost-container';
const DLC_REPO = 'aws/deep-learning-containers';

const sklearn = (version: string, ref: string, python: string, packages: Record<string, string>): ImagePackageSet => ({
  framework: 'sklearn',
  version,
  python,
  packages,
  source: { repository: SKLEARN_REPO, ref, paths: ['requirements.txt', `docker/${version}/base/Dockerfile.cpu`] },
});

const xgboost = (version: string, ref: string, python: string, packages: Record<string, string>): ImagePackageSet => ({
  framework: 'xgboost',
  version,
  python,
  packages,
  source: { repository: XGBOOST_REPO, ref, paths: ['requirements.txt', `docker/${version}/base/Dockerfile.cpu`] },
});

/**
 * PyTorch DLCs install torch from AWS's own wheels (the Dockerfile's TORCH_URL / PYTORCH_VERSION) and
 * the rest unpinned from conda-forge; pins below are the ones the Dockerfile states.
 */
const pytorch = (version: string, dir: string, python: string, packages: Record<string, string>): ImagePackageSet => ({
  framework: 'pytorch',
  version,
  python,
  packages,
  source: { repository: DLC_REPO, ref: 'master (history)', paths: [`pytorch/training/docker/${dir}/py3/Dockerfile.cpu`] },
});

export const IMAGE_PACKAGE_SETS: readonly ImagePackageSet[] = [
  sklearn('0.23-1', '0.23-1', '3.7', {
    'scikit-learn': '==0.23.2',
    numpy: '==1.19.2',
    scipy: '==1.5.3',
    pandas: '==1.1.3',
    pyarrow: '==1.0.0',
    boto3: '==1.24.17',
  }),
  sklearn('1.0-1', '1.0-1', '3.8', {
    'scikit-learn': '==1.0.2',
    numpy: '==1.24.1',
    scipy: '==1.8.0',
    pandas: '==1.1.3',
    boto3: '==1.28.57',
  }),
  sklearn('1.2-1', '1.2-1', '3.9', {
    'scikit-learn': '==1.2.1',
    numpy: '==1.24.1',
    scipy: '==1.8.0',
    pandas: '==1.1.3',
    boto3: '==1.28.57',
  }),
  // Tag v1.4.2: the `1.4-2-cpu-py3` image (Python 3.10); the py312 inference variant is tag v1.4-2-py312.
  sklearn('1.4-2', 'v1.4.2', '3.10', {
    'scikit-learn': '==1.4.2',
    numpy: '==2.1.0',
    scipy: '>=1.9.0',
    pandas: '>=2.0.0',
    pyarrow: '==17.0.0',
    boto3: '==1.28.57',
  }),
  xgboost('1.2-2', '1.2-2', '3.7', {
    xgboost: '==1.2.0',
    'scikit-learn': '==0.23.2',
    numpy: '==1.21.6',
    scipy: '==1.5.3',
    pandas: '==1.1.3',
    boto3: '==1.17.52',
  }),
  xgboost('1.3-1', '1.3-1', '3.7', {
    xgboost: '==1.3.3',
    'scikit-learn': '==0.24.1',
    numpy: '==1.21.6',
    scipy: '==1.6.2',
    pandas: '==1.2.4',
    boto3: '==1.17.52',
  }),
  xgboost('1.5-1', '1.5-1', '3.8', {
    xgboost: '==1.5.2',
    'scikit-learn': '==0.24.1',
    numpy: '==1.24.4',
    scipy: '==1.8.0',
    pandas: '==1.5.3',
    pyarrow: '==14.0.1',
    boto3: '==1.17.52',
  }),
  xgboost('1.7-1', '1.7-1', '3.9', {
    xgboost: '==1.7.4',
    'scikit-learn': '==0.24.1',
    numpy: '==1.24.1',
    scipy: '==1.8.0',
    pandas: '==1.2.4',
    pyarrow: '==14.0.1',
    boto3: '==1.17.52',
  }),
  xgboost('3.0-5', 'v3.0-5', '3.10', {
    xgboost: '==3.0.5',
    'scikit-learn': '==1.5.2',
    numpy: '==2.1.0',
    scipy: '==1.15.0',
    pandas: '==2.2.3',
    pyarrow: '==14.0.1',
    boto3: '==1.17.52',
  }),
  pytorch('2.1.0', '2.1', '3.10', { torch: '==2.1.0', numpy: '', scipy: '', pandas: '', 'scikit-learn': '', boto3: '' }),
  pytorch('2.2.0', '2.2', '3.10', { torch: '==2.2.0', numpy: '', scipy: '', pandas: '', 'scikit-learn': '', boto3: '' }),
  pytorch('2.3.0', '2.3', '3.11', { torch: '==2.3.0', numpy: '', scipy: '', pandas: '', 'scikit-learn': '', boto3: '' }),
  pytorch('2.4.0', '2.4', '3.11', { torch: '==2.4.0', torchvision: '==0.19.0', numpy: '', scipy: '', pandas: '', 'scikit-learn': '', boto3: '' }),
  pytorch('2.5.1', '2.5', '3.11', { torch: '==2.5.1', torchvision: '==0.20.1', numpy: '<2', scipy: '', pandas: '', 'scikit-learn': '', boto3: '' }),
];

export function imagePackageSet(framework: FrameworkName, version: string): ImagePackageSet | undefined {
  return IMAGE_PACKAGE_SETS.find((set) => set.framework === framework && set.version === version);
}

/** The framework image an image URI names (any region or serving variant), if it is a published one. */
export function frameworkImageOf(imageUri: string): { framework: FrameworkName; version: string } | undefined {
  const image = recogniseFrameworkImage(imageUri);
  return image ? { framework: image.name, version: image.version } : undefined;
}

/** `scikit-learn 1.4-2 image`: how messages name an image. */
export function describePackageSet(set: ImagePackageSet): string {
  return `${FRAMEWORKS[set.framework].label} ${set.version} image`;
}
