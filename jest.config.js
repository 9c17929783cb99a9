// Three tiers (STYLE.md): unit specs beside the code, integration and e2e suites under test/ against real services.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
      },
      module: { type: 'commonjs' },
    },
  ],
};
const common = {
  transform,
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
const sources = {
  '^@sspr/(contracts|crypto|directory|messaging)$': '<rootDir>/libs/$1/src/index.ts',
  '^@sspr/test-support$': '<rootDir>/test/support/src/index.ts',
  '^@sspr/cloud$': '<rootDir>/apps/cloud/src/index.ts',
};
module.exports = {
  projects: [
    {
      ...common,
      moduleNameMapper: sources,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts'],
    },
    {
      ...common,
      moduleNameMapper: sources,
      displayName: 'integration',
      setupFilesAfterEnv: ['<rootDir>/test/jest.timeouts.js'],
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
    },
    {
      ...common,
      moduleNameMapper: sources,
      displayName: 'e2e',
      setupFilesAfterEnv: ['<rootDir>/test/jest.timeouts.js'],
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
  ],
};
