/** No AWS credentials, region or metadata service anywhere: account lookups fail fast and the same way on every machine. */
export const AWS_ISOLATION: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Applies AWS_ISOLATION to this process for the test file (jest workers are reused: restore afterwards). */
export function isolateFromAws(): void {
  const saved: Record<string, string | undefined> = {};
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  beforeAll(() => {
    for (const key of Object.keys(AWS_ISOLATION)) saved[key] = process.env[key];
    apply(AWS_ISOLATION);
  });
  afterAll(() => apply(saved));
}
