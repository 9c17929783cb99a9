import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { UuidParam } from '../common/api-validation.pipe';
import { AdminGuard } from '../tenants/auth.guards';
import { AgentsService } from './agents.service';
import {
  RegisterAgentDto,
  type AgentRegistrationView,
  type AgentView,
  type RegistrationTokenView,
} from './dto/agent.dto';

/** Tenant admin: registration tokens, the agent list, revocation. */
@Controller('api/v1/tenants/:tenantId/agents')
@UseGuards(AdminGuard)
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post('registration-tokens')
  createRegistrationToken(@Param('tenantId', UuidParam) tenantId: string): Promise<RegistrationTokenView> {
    return this.agents.createRegistrationToken(tenantId);
  }

  @Get()
  async list(@Param('tenantId', UuidParam) tenantId: string): Promise<{ agents: AgentView[] }> {
    return { agents: await this.agents.list(tenantId) };
  }

  @Delete(':agentId')
  @HttpCode(HttpStatus.NO_CONTENT)
  revoke(@Param('tenantId', UuidParam) tenantId: string, @Param('agentId', UuidParam) agentId: string): Promise<void> {
    return this.agents.revoke(tenantId, agentId);
  }
}

/** The agent itself; the one-time token in the body is its credential. */
@Controller('api/v1/agents')
@UseGuards(ThrottlerGuard)
export class AgentRegistrationController {
  constructor(private readonly agents: AgentsService) {}

  @Post('register')
  register(@Body() dto: RegisterAgentDto): Promise<AgentRegistrationView> {
    return this.agents.register(dto);
  }
}
