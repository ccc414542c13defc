import { FRAMEWORKS, FRAMEWORK_NAMES, IMAGE_TABLE_SOURCE, KNOWN_REGIONS, defaultFrameworkVersion, publishedVersion, recogniseFrameworkImage, resolveFrameworkImage } from '../../src/model/framework-images.js';
import { PUBLISHED_IMAGES } from '../../src/model/framework-image-data.js';

describe('framework image table (every version AWS publishes for jobs, per region)', () => {
  test('holds every scikit-learn, XGBoost and PyTorch version of the SDK training scope, and says where from', () => {
    expect(IMAGE_TABLE_SOURCE).toMatch(/aws\/sagemaker-python-sdk@[0-9a-f]{12} .*image_uri_config/);
    expect(FRAMEWORKS.sklearn.versions.map((v) => v.version)).toEqual(['0.20.0', '0.23-1', '1.0-1', '1.2-1', '1.4-2', '1.4-2-py312']);
    expect(FRAMEWORKS.xgboost.versions.map((v) => v.version)).toEqual(['1', '0.90-1', '0.90-2', '1.0-1', '1.2-1', '1.2-2', '1.3-1', '1.5-1', '1.7-1', '3.0-5', '3.2-0']);
    expect(FRAMEWORKS.pytorch.versions).toHaveLength(29);
    expect(FRAMEWORKS.pytorch.versions[0].version).toBe('0.4.0');
    expect(FRAMEWORKS.pytorch.versions.at(-1)!.version).toBe('2.8.0');
  });

  test('defaults stay on the versions our stubs are built for', () => {
    expect(defaultFrameworkVersion('sklearn')).toBe('1.4-2');
    expect(defaultFrameworkVersion('xgboost')).toBe('3.0-5');
    expect(defaultFrameworkVersion('pytorch')).toBe('2.5.1');
  });

  test.each([
    ['sklearn', '0.23-1', 'us-east-1', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3'],
    ['sklearn', '0.20.0', 'eu-west-1', '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:0.20.0-cpu-py3'],
    ['sklearn', '1.4-2-py312', 'cn-north-1', '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-scikit-learn:1.4-2-py312-cpu-py3'],
    ['xgboost', '0.90-1', 'us-west-2', '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:0.90-1-cpu-py3'],
    ['xgboost', '1.7-1', 'eu-central-1', '492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1'],
    ['xgboost', '1', 'us-east-1', '811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1'],
    ['pytorch', '2.8.0', 'eu-west-1', '763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-training:2.8.0-cpu-py312'],
    ['pytorch', '1.8.1', 'us-east-1', '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:1.8.1-cpu-py36'],
    ['pytorch', '2.1.0', 'us-gov-east-1', '446045086412.dkr.ecr.us-gov-east-1.amazonaws.com/pytorch-training:2.1.0-cpu-py310'],
  ] as const)('%s %s in %s', (name, version, region, uri) => {
    expect(resolveFrameworkImage(name, version, region)).toMatchObject({ imageUri: uri });
    expect(recogniseFrameworkImage(uri)).toEqual({ name, version, region });
  });

  test('a model is served only from an image the SDK lists for inference (scikit-learn 1.4-2 → 1.4-2-py312)', () => {
    expect(resolveFrameworkImage('sklearn', '1.4-2', 'eu-west-1', 'inference')).toMatchObject({
      imageUri: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3',
    });
    for (const name of FRAMEWORK_NAMES) {
      for (const { version } of FRAMEWORKS[name].versions) {
        const ref = resolveFrameworkImage(name, version, 'eu-west-1', 'inference');
        if ('error' in ref) continue;
        const served = recogniseFrameworkImage(ref.imageUri)!;
        expect([name, version, publishedVersion(name, served.version)?.inference !== undefined]).toEqual([name, version, true]);
      }
    }
  });

  test('a region or serving image AWS does not publish is named, not guessed', () => {
    expect(resolveFrameworkImage('pytorch', '2.8.0', 'eu-west-1', 'inference')).toEqual({ error: expect.stringContaining('no serving image') });
    expect(resolveFrameworkImage('xgboost', '1', 'ca-west-1')).toEqual({ error: expect.stringContaining("not published in region 'ca-west-1'") });
    expect(resolveFrameworkImage('sklearn', '0.22', 'us-east-1')).toEqual({ error: expect.stringContaining("version '0.22' is not known") });
    expect(resolveFrameworkImage('sklearn', '1.2-1', 'us-iso-east-1')).toEqual({ error: expect.stringContaining('not published') });
    expect(recogniseFrameworkImage('111122223333.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3')).toBeUndefined();
    expect(recogniseFrameworkImage('111122223333.dkr.ecr.us-east-1.amazonaws.com/my-inference:latest')).toBeUndefined();
  });

  test('every version has an account in every commercial region of its table, and regions are consistent', () => {
    for (const versions of Object.values(PUBLISHED_IMAGES)) {
      for (const v of versions) {
        expect(Object.keys(v.regions).length).toBeGreaterThanOrEqual(25);
        for (const account of Object.values(v.regions)) expect(account).toMatch(/^\d{12}$/);
      }
    }
    expect(KNOWN_REGIONS).toContain('eu-west-1');
    expect(KNOWN_REGIONS.some((r) => r.startsWith('us-iso'))).toBe(false);
  });
});
