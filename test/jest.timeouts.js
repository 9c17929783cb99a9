// Suites under test/ start real services and whole processes: give each test room, bounded.
// (A project-level testTimeout is not honoured by Jest 30's multi-project runs.)
jest.setTimeout(180_000);
