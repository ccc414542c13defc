/**
 * The deploy options of the pipeline model: schedule, notifications and environments resolve to
 * what the CDK app needs, and each mistake gets one message naming the field and what is allowed.
 */
import { resolvePipeline, validatePipeline, type PipelineOptions } from '../../src/model/index.js';

const BASE: PipelineOptions = { name: 'churn-model', region: 'eu-west-1', account: '111122223333' };

function problems(extra: Partial<PipelineOptions>): string[] {
  return validatePipeline({ ...BASE, ...extra }).map((p) => `${p.path}: ${p.message}`);
}

test('defaults: no schedule, no notifications, one environment in the model account and region', () => {
  const pipeline = resolvePipeline(BASE);
  expect(pipeline.schedule).toBeUndefined();
  expect(pipeline.notifications).toBeUndefined();
  expect(pipeline.environments).toEqual([{ name: 'default', account: '111122223333', region: 'eu-west-1', stackName: 'churn-model-default', modelSource: 'this-run' }]);
});

test('valid deploy options resolve as given (schedule enabled unless said otherwise)', () => {
  const pipeline = resolvePipeline({
    ...BASE,
    schedule: { expression: 'cron(0 6 ? * MON-FRI *)' },
    notifications: { email: 'ml-team@example.com' },
    environments: [
      { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
      { name: 'prod', account: '444455556666', region: 'us-east-1' },
    ],
  });
  expect(pipeline.schedule).toEqual({ expression: 'cron(0 6 ? * MON-FRI *)', enabled: true });
  expect(pipeline.notifications).toEqual({ email: 'ml-team@example.com' });
  expect(pipeline.environments.map((e) => e.stackName)).toEqual(['churn-model-preprod', 'churn-model-prod']);
  expect(resolvePipeline({ ...BASE, notifications: {} }).notifications).toEqual({});
  for (const expression of ['rate(1 day)', 'rate(5 minutes)', 'rate(12 hours)', 'cron(15 10 * * ? 2030)']) expect(problems({ schedule: { expression } })).toEqual([]);
});

test('schedule expressions: one message each, saying what EventBridge accepts', () => {
  expect(problems({ schedule: { expression: 'every day' } })).toEqual([expect.stringMatching(/^schedule\.expression: 'every day' is not a schedule expression: use 'cron\(/)]);
  expect(problems({ schedule: { expression: 'rate(1 days)' } })).toEqual([expect.stringMatching(/singular unit for 1, plural otherwise/)]);
  expect(problems({ schedule: { expression: 'rate(0 minutes)' } })).toHaveLength(1);
  expect(problems({ schedule: { expression: 'cron(0 6 * * *)' } })).toEqual([expect.stringContaining('has 5 cron fields; EventBridge needs 6')]);
  expect(problems({ schedule: { expression: 'cron(0 6 * * * *)' } })).toEqual([expect.stringContaining("needs '?' in exactly one of day-of-month and day-of-week")]);
  expect(problems({ schedule: { expression: 'rate(1 day)', enabled: 'yes' as never } })).toEqual(["schedule.enabled: must be true or false, not the string 'yes'"]);
});

test('notifications: the e-mail address is checked', () => {
  expect(problems({ notifications: { email: 'ml-team' } })).toEqual(["notifications.email: 'ml-team' is not an e-mail address (e.g. 'ml-team@example.com')"]);
});

test('environments: names, accounts and regions, uniqueness, one account each, and what conflicts with them', () => {
  expect(problems({ environments: [] })).toEqual([expect.stringMatching(/^environments: list at least one environment/)]);
  expect(
    problems({
      environments: [
        { name: 'Prod', account: '12', region: 'moon-1' },
        { name: 'qa', account: '111122223333', region: 'eu-west-1' },
        { name: 'qa', account: '111122223333', region: 'us-east-1' },
      ],
    }),
  ).toEqual([
    expect.stringMatching(/^environments\[0\] \(Prod\)\.name: 'Prod' is not a valid environment name/),
    "environments[0] (Prod).account: '12' is not an AWS account id: 12 digits (e.g. '111122223333')",
    "environments[0] (Prod).region: 'moon-1' is not an AWS region code (e.g. 'us-east-1', 'eu-west-1')",
    "environments[2] (qa).name: environment name 'qa' is used twice; environment names must be unique",
    expect.stringMatching(/^environments\[2\] \(qa\)\.account: account 111122223333 is already environment 'qa': the roles 'churn-model-state-machine' and 'churn-model-sagemaker-execution' are named per account/),
  ]);
  const two = [
    { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
    { name: 'prod', account: '444455556666', region: 'eu-west-1' },
  ];
  expect(problems({ environments: two, bucket: 'my-bucket' })).toEqual([expect.stringMatching(/^bucket: one bucket name cannot serve 2 environments \(S3 bucket names are global\)/)]);
  const existingRoles = { stateMachineRoleArn: 'arn:aws:iam::111122223333:role/a', sageMakerExecutionRoleArn: 'arn:aws:iam::111122223333:role/b' };
  expect(problems({ environments: two, existingRoles })).toEqual([
    'environments[1] (prod).account: bring-your-own-role mode uses roles of account 111122223333, but this environment is in account 444455556666',
  ]);
});

test("each environment resolves the model in its own region: a region without the framework images is reported against it", () => {
  expect(problems({ environments: [{ name: 'far', account: '444455556666', region: 'xx-nowhere-9' }] })).toEqual([
    expect.stringMatching(/^environments\[0\] \(far\): stages\[0\] \(preprocess\)\.framework: /),
    expect.stringMatching(/^environments\[0\] \(far\): stages\[2\] \(postprocess\)\.framework: /),
  ]);
  // The model's own region is fine, so nothing is reported twice.
  expect(problems({})).toEqual([]);
});
