// Writes the JSON Schema the API compiles for agent reports (from AgentReportDto's decorators)
// next to the compiled server, so that the server itself loads no Nest or class-validator.
import './resolve-contracts';
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentReportDto } from '../../../apps/api/src/container-sources/agents/agent-report.dto';
import { dtoJsonSchema } from '../../../apps/api/src/common/validation/compiled-dto-validator';

writeFileSync(join(__dirname, 'report-schema.json'), JSON.stringify(dtoJsonSchema(AgentReportDto)));
