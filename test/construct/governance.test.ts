/**
 * The CDK app of a governed lifecycle project (register + approval, notifications): the dashboard's
 * widgets and queries, the failed-executions alarm wired to the encrypted notifications topic (key and
 * topic policies naming that alarm only), cdk-nag, and `dashboard: false` removing exactly those;
 * the model package group the register stage adds versions to (created and retained, or the user's).
 */
import { resolvePipeline, validatePipeline, type StageOptions } from '../../src/model/index.js';
import { dashboardQueries, failedExecutionsAlarmArn, PIPELINE_OUTPUTS, registryGroups } from '../../src/construct/index.js';
import { BASE_MODEL, buildApp, diffResources, generateRepo, nagFindings, policyDocuments, removeTempDirs, resourcesOfType, statementsOf, type BuiltApp } from '../support/deploy-fixtures.js';
import { FIXED_LIFECYCLE, GOVERNED_PIPELINE } from '../support/governed-pipeline.js';

let governed: BuiltApp;

beforeAll(() => {
  governed = buildApp(generateRepo('governed', GOVERNED_PIPELINE));
});
afterAll(removeTempDirs);

/** The dashboard body with its CDK tokens (Fn::Join) flattened to text, tokens shown as their JSON. */
function dashboardBody(template: BuiltApp['templates'][number]): any {
  const [[, dashboard]] = resourcesOfType(template, 'AWS::CloudWatch::Dashboard');
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : `<${JSON.stringify(part)}>`)).join('');
  return { name: dashboard.Properties.DashboardName, text, widgets: JSON.parse(text.replace(/<\{[^>]*\}>/g, 'TOKEN')).widgets };
}

describe('dashboard and alarm (on by default)', () => {
  const template = () => governed.templates[0];

  test('the dashboard: execution counts and times of this state machine, the alarm, and the log queries per stage', () => {
    const { name, text, widgets } = dashboardBody(template());
    expect(name).toBe(BASE_MODEL.name);
    const [[machineId]] = resourcesOfType(template(), 'AWS::StepFunctions::StateMachine');
    const metricWidgets = widgets.filter((w: any) => w.type === 'metric' && !String(w.properties.title).startsWith('accuracy'));
    const metricNames = metricWidgets.flatMap((w: any) => (w.properties.metrics ?? []).map((m: unknown[]) => m[1]));
    expect(metricNames).toEqual(expect.arrayContaining(['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionTime']));
    for (const w of metricWidgets.filter((w: any) => w.properties.metrics)) {
      for (const m of w.properties.metrics) expect(m.slice(0, 3)).toEqual(['AWS/States', expect.any(String), 'StateMachineArn']);
    }
    // Every metric's dimension is this state machine.
    expect(text.match(/"StateMachineArn","<[^>]*>"/g)?.every((d: string) => d.includes(machineId))).toBe(true);
    const alarms = widgets.filter((w: any) => w.type === 'alarm');
    expect(alarms).toHaveLength(1);

    const logs = widgets.filter((w: any) => w.type === 'log');
    expect(logs.map((w: any) => w.properties.title)).toEqual([
      expect.stringMatching(/^Stage durations/),
      expect.stringMatching(/^Failures by stage/),
    ]);
    // Each query reads the execution log group of this state machine.
    const [[logGroupId]] = resourcesOfType(template(), 'AWS::Logs::LogGroup').filter(([, g]) => g.Properties?.LogGroupName === '/aws/vendedlogs/states/churn-model');
    expect(text.split(`SOURCE '<${JSON.stringify({ Ref: logGroupId })}>' | `)).toHaveLength(logs.length + 1);
    expect(logs[0].properties.query).toContain('stage in ["preprocess", "train", "evaluate", "model", "register", "approve", "transform"]');
    expect(logs.map((w: any) => w.properties.view)).toEqual(['table', 'table']);
    expect(dashboardQueries(governed.model.environments[0].pipeline)).toHaveLength(2);
  });

  test('the gate widget graphs the metric the state machine publishes (same namespace, name and dimensions), with the threshold', () => {
    const { widgets } = dashboardBody(template());
    const gate = widgets.filter((w: any) => w.type === 'metric' && String(w.properties.title).startsWith('accuracy of stage evaluate'));
    expect(gate).toHaveLength(1);
    const { metrics, annotations } = gate[0].properties;
    // Average is a graph's default statistic: CDK leaves it out.
    expect(metrics).toEqual([
      ['legacy-mlops/churn-model', 'accuracy', 'Pipeline', 'churn-model', 'Stage', 'evaluate', { label: 'Average', period: 86400 }],
      ['legacy-mlops/churn-model', 'accuracy', 'Pipeline', 'churn-model', 'Stage', 'evaluate', { label: 'Lowest', period: 86400, stat: 'Minimum' }],
    ]);
    expect(annotations.horizontal).toEqual([expect.objectContaining({ value: 0.7 })]);
    // What the state machine sends: the widget's metric is exactly the published one.
    const definition = JSON.parse(template().toJSON().Resources[resourcesOfType(template(), 'AWS::StepFunctions::StateMachine')[0][0]].Properties.DefinitionString);
    const publish = definition.States['evaluate: publish metric'];
    expect(publish.Resource).toBe('arn:aws:states:::aws-sdk:cloudwatch:putMetricData');
    expect(publish.Parameters).toEqual({
      Namespace: 'legacy-mlops/churn-model',
      MetricData: [{ MetricName: 'accuracy', Dimensions: [{ Name: 'Pipeline', Value: 'churn-model' }, { Name: 'Stage', Value: 'evaluate' }], 'Value.$': '$.results.evaluate.report.body.metrics.accuracy.value', Unit: 'None' }],
    });
    // The role may publish to this namespace only.
    const [[, role]] = resourcesOfType(template(), 'AWS::IAM::Role').filter(([, r]) => r.Properties.RoleName === 'churn-model-state-machine');
    const statement = statementsOf(role.Properties.Policies[0].PolicyDocument).find((st: any) => st.Sid === 'PublishGateMetrics');
    expect(statement).toEqual({ Sid: 'PublishGateMetrics', Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: ['*'], Condition: { StringEquals: { 'cloudwatch:namespace': 'legacy-mlops/churn-model' } } });
  });

  test('the alarm: failed or timed-out executions of this state machine in two 5-minute periods within 24 hours, published to the notifications topic on turning red only', () => {
    const [[, alarm]] = resourcesOfType(template(), 'AWS::CloudWatch::Alarm');
    const [[topicId]] = resourcesOfType(template(), 'AWS::SNS::Topic');
    const [[machineId]] = resourcesOfType(template(), 'AWS::StepFunctions::StateMachine');
    expect(alarm.Properties).toMatchObject({
      AlarmName: 'churn-model-failed-executions',
      Threshold: 1,
      EvaluationPeriods: 288,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    // CloudWatch allows at most one day of evaluation: 288 periods of 300 s.
    expect(alarm.Properties.EvaluationPeriods * 300).toBe(86_400);
    expect(alarm.Properties.OKActions).toBeUndefined();
    expect(alarm.Properties.InsufficientDataActions).toBeUndefined();
    const metrics = alarm.Properties.Metrics;
    expect(metrics.find((m: any) => m.Expression)?.Expression).toBe('FILL(failed, 0) + FILL(timedOut, 0)');
    expect(metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Dimensions, m.MetricStat.Period])).toEqual([
      ['failed', 'ExecutionsFailed', [{ Name: 'StateMachineArn', Value: { Ref: machineId } }], 300],
      ['timedOut', 'ExecutionsTimedOut', [{ Name: 'StateMachineArn', Value: { Ref: machineId } }], 300],
    ]);
  });

  test('one message per failed execution: the rule publishes each failed, timed-out or aborted execution by name; the alarm cannot go off on one failure', () => {
    const [[topicId]] = resourcesOfType(template(), 'AWS::SNS::Topic');
    const [[machineId]] = resourcesOfType(template(), 'AWS::StepFunctions::StateMachine');
    const toTopic = resourcesOfType(template(), 'AWS::Events::Rule').filter(([, r]) => (r.Properties.Targets ?? []).some((t: any) => JSON.stringify(t.Arn) === JSON.stringify({ Ref: topicId })));
    expect(toTopic).toHaveLength(1);
    const [[, rule]] = toTopic;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
    });
    const [target] = rule.Properties.Targets;
    expect(target.InputTransformer.InputTemplate).toContain('execution <detail-name> ended <detail-status>');
    // What else reaches the topic: the alarm, whose one breaching period is never enough.
    const publishers = resourcesOfType(template(), 'AWS::CloudWatch::Alarm').filter(([, a]) => JSON.stringify(a.Properties).includes(JSON.stringify({ Ref: topicId })));
    expect(publishers.map(([, a]) => a.Properties.DatapointsToAlarm)).toEqual([2]);
  });

  test('CloudWatch may use the key and publish to the topic for this alarm of this account only', () => {
    const arn = failedExecutionsAlarmArn({ name: BASE_MODEL.name, partition: 'aws', region: BASE_MODEL.region, account: BASE_MODEL.account });
    expect(arn).toBe('arn:aws:cloudwatch:eu-west-1:111122223333:alarm:churn-model-failed-executions');
    const condition = { ArnEquals: { 'aws:SourceArn': arn }, StringEquals: { 'aws:SourceAccount': BASE_MODEL.account } };
    const [[, key]] = resourcesOfType(template(), 'AWS::KMS::Key');
    const keyUse = statementsOf(key.Properties.KeyPolicy).filter((st: any) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(keyUse).toEqual([{ Sid: 'AlarmPublishesEncrypted', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*', Condition: condition }]);
    const [[topicId]] = resourcesOfType(template(), 'AWS::SNS::Topic');
    const [[, topicPolicy]] = resourcesOfType(template(), 'AWS::SNS::TopicPolicy');
    const publish = statementsOf(topicPolicy.Properties.PolicyDocument).filter((st: any) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(publish).toEqual([{ Sid: 'AlarmPublishes', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: topicId }, Condition: condition }]);
  });

  test('an output links the dashboard; cdk-nag AwsSolutions finds nothing', () => {
    expect(template().toJSON().Outputs[PIPELINE_OUTPUTS.dashboardUrl].Value).toBe('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/churn-model');
    expect(nagFindings(governed.stacks[0].stack)).toEqual([]);
  });

  test('dashboard: false removes the dashboard, the alarm, their policy statements and the output, and nothing else', () => {
    const off = buildApp(generateRepo('no-dashboard', { ...GOVERNED_PIPELINE, dashboard: false }));
    const diff = diffResources(governed.templates[0], off.templates[0]);
    expect(diff.added).toEqual([]);
    expect(diff.removed.map((r) => r.split(' ')[1]).sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard']);
    expect(diff.changed.map((r) => r.split(' ')[1]).sort()).toEqual(['AWS::KMS::Key', 'AWS::SNS::TopicPolicy']);
    expect(JSON.stringify(off.templates[0].toJSON().Resources)).not.toContain('cloudwatch.amazonaws.com');
    expect(off.templates[0].toJSON().Outputs[PIPELINE_OUTPUTS.dashboardUrl]).toBeUndefined();
    expect(nagFindings(off.stacks[0].stack)).toEqual([]);
  });
});

describe('the model package group of the register stage', () => {
  test('created, named as the register stage says, retained on destroy, created before the state machine', () => {
    const template = governed.templates[0];
    const groups = resourcesOfType(template, 'AWS::SageMaker::ModelPackageGroup');
    expect(groups).toHaveLength(1);
    const [[groupId, group]] = groups;
    expect(group.Properties.ModelPackageGroupName).toBe(BASE_MODEL.name);
    expect(group.Properties.ModelPackageGroupDescription).toMatch(/registered by stage register$/);
    expect([group.DeletionPolicy, group.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const [[, machine]] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    expect(machine.DependsOn).toEqual(expect.arrayContaining([groupId]));
  });

  test('the roles still name only the versions of that group: creating the group is CloudFormation\'s, not the pipeline\'s', () => {
    const text = JSON.stringify(policyDocuments(governed.templates[0]));
    expect(text).not.toContain('model-package-group');
    const registry = policyDocuments(governed.templates[0]).flatMap(({ document }) => statementsOf(document)).filter((st: any) => JSON.stringify(st.Resource ?? '').includes(':model-package/'));
    expect(registry.map((st: any) => [st.Sid, st.Resource])).toEqual([
      ['RegisterModelVersions', ['arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/*']],
      ['DecideModelVersions', ['arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/*']],
      // The registry path's function reads the versions an approval decides.
      ['ReadDecidedVersions', ['arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn-model/*']],
    ]);
  });

  test('existingGroup: the user\'s group is used as it is, nothing else changes', () => {
    const stages = GOVERNED_PIPELINE.stages.map((s) => (s.kind === 'register' ? { ...s, registry: { group: 'shared-churn', existingGroup: true } } : s));
    const existing = buildApp(generateRepo('existing-group', { ...GOVERNED_PIPELINE, stages }));
    existing.templates[0].resourceCountIs('AWS::SageMaker::ModelPackageGroup', 0);
    expect(JSON.stringify(policyDocuments(existing.templates[0]))).toContain(':model-package/shared-churn/*');
    expect(nagFindings(existing.stacks[0].stack)).toEqual([]);
  });

  test('no register stage, no group', () => {
    const plain = buildApp(generateRepo('no-register', { stages: [...FIXED_LIFECYCLE] }));
    plain.templates[0].resourceCountIs('AWS::SageMaker::ModelPackageGroup', 0);
    expect(registryGroups(plain.model.environments[0].pipeline)).toEqual([]);
  });

  test('two register stages in one group must agree on whether it exists', () => {
    const stages = [...FIXED_LIFECYCLE.slice(0, 4), { name: 'register', kind: 'register' }, { name: 'register-again', kind: 'register', registry: { existingGroup: true } }] as StageOptions[];
    expect(validatePipeline({ ...BASE_MODEL, stages }).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "stages[5] (register-again).registry.existingGroup: stage 'register' registers in group 'churn-model' too, but says not existingGroup: the group either exists already or the app creates it; say the same in both",
    ]);
    expect(registryGroups(resolvePipeline({ ...BASE_MODEL, stages: stages.slice(0, 5) }))).toEqual([{ group: 'churn-model', existing: false, stages: ['register'] }]);
  });
});

describe('promotion: two environments, prod serves the newest approved version', () => {
  test('each stack runs the same definition; prod\'s role may list and read its own group\'s versions only; cdk-nag finds nothing in either', () => {
    const environments = [
      { name: 'preprod', account: '111122223333', region: 'eu-west-1' },
      { name: 'prod', account: '444455556666', region: 'eu-west-1' },
    ];
    const built = buildApp(generateRepo('promotion', { ...GOVERNED_PIPELINE, environments }));
    const definitions = built.templates.map((t) => {
      const [[, machine]] = resourcesOfType(t, 'AWS::StepFunctions::StateMachine');
      return JSON.parse(machine.Properties.DefinitionString);
    });
    // The promotion states are the same in both stacks: which branch runs is the execution's account's choice.
    const promotionStates = (d: any) => Object.entries(d.States).filter(([n]) => n.startsWith('model: '));
    expect(promotionStates(definitions[0])).toEqual(promotionStates(definitions[1]));
    expect(promotionStates(definitions[1])).toHaveLength(6);
    const which = definitions[1].States['model: which model to serve'];
    expect(which.Choices[0]).toMatchObject({ Variable: '$$.Execution.Id', StringMatches: 'arn:aws:states:eu-west-1:444455556666:execution:*' });
    const prodStatements = policyDocuments(built.templates[1]).flatMap(({ document }) => statementsOf(document));
    expect(prodStatements.filter((st: any) => ['ListApprovedVersions', 'ReadApprovedVersions'].includes(st.Sid)).map((st: any) => [st.Sid, st.Resource])).toEqual([
      ['ListApprovedVersions', ['arn:aws:sagemaker:eu-west-1:444455556666:model-package-group/churn-model', 'arn:aws:sagemaker:eu-west-1:444455556666:model-package/churn-model/*']],
      ['ReadApprovedVersions', ['arn:aws:sagemaker:eu-west-1:444455556666:model-package/churn-model/*']],
    ]);
    for (const { stack } of built.stacks) expect(nagFindings(stack)).toEqual([]);
  });
});
