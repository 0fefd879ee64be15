import { Router } from "express";
import { claimantsQuerySchema, claimantsResponseSchema } from "../../shared/api/creator-dashboard.ts";
import {
  creationTermsResponseSchema,
  creatorDistributionResponseSchema,
  creatorDistributionsResponseSchema,
  distributionAddressParamsSchema,
  distributionListResponseSchema,
  distributionResponseSchema,
  eligibilityQuerySchema,
  eligibilityResponseSchema,
  lookupQuerySchema,
  MAX_BUCKET_ANSWERS,
  registerDistributionBodySchema,
} from "../../shared/api/distributions.ts";
import type { Database } from "../db/database.ts";
import type { OpenApiRegistry } from "../http/openapi.ts";
import { answer } from "../http/send-json.ts";
import { requireSession, sessionRequired } from "../identity/sessions.ts";
import { requireOwnWallet } from "../identity/wallet-binding.ts";
import type { DistributionService } from "./distribution-service.ts";
import type { EligibilityChecker } from "./eligibility.ts";

export interface DistributionRoutesDependencies {
  service: DistributionService;
  eligibility: EligibilityChecker;
  database: Database;
  openapi: OpenApiRegistry;
}

export function distributionsRouter(dependencies: DistributionRoutesDependencies): Router {
  const { service, openapi } = dependencies;
  const router = Router();

  openapi.route(
    router,
    {
      method: "get",
      path: "/creation-terms",
      summary: "The program id, verifier and fee per claim a new distribution must carry to be registered here",
      request: {},
      responses: { 200: { description: "the terms", schema: creationTermsResponseSchema } },
    },
    async (_input, _request, response) => {
      answer(response, creationTermsResponseSchema, service.creationTerms);
    },
  );

  openapi.route(
    router,
    {
      method: "post",
      path: "/distributions",
      summary: "Register a distribution after its create_distribution transaction confirmed (the post's author only)",
      auth: true,
      before: [sessionRequired],
      request: { body: registerDistributionBodySchema },
      responses: {
        201: { description: "registered", schema: distributionResponseSchema },
        200: { description: "already registered by this account", schema: distributionResponseSchema },
      },
    },
    async ({ body }, _request, response) => {
      const { xUserId } = requireSession(response);
      const { distribution, created } = await service.register(xUserId, body);
      answer(response, distributionResponseSchema, { distribution }, created ? 201 : 200);
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/distributions",
      summary:
        "Distributions attached to any of up to 100 X posts, and to any post in up to 100 post buckets (one call for every post on screen)",
      request: { query: lookupQuerySchema },
      responses: {
        200: {
          description: `the distributions found (posts without one are left out); buckets answer at most ${MAX_BUCKET_ANSWERS}, naming the overfull ones`,
          schema: distributionListResponseSchema,
        },
      },
    },
    async ({ query }, _request, response) => {
      const [forPosts, inBuckets] = await Promise.all([
        service.lookup(query.postIds ?? []),
        service.lookupBuckets(query.buckets ?? []),
      ]);
      const distributions = [
        ...new Map([...forPosts, ...inBuckets.distributions].map((found) => [found.address, found])).values(),
      ];
      response.set("Cache-Control", `public, max-age=${service.lookupTtlSeconds}`);
      answer(response, distributionListResponseSchema, {
        distributions,
        ...(inBuckets.overfullBuckets.length > 0 ? { overfullBuckets: inBuckets.overfullBuckets } : {}),
      });
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/distributions/:address",
      summary: "One distribution's status: claimed count, remaining, end time",
      request: { params: distributionAddressParamsSchema },
      responses: { 200: { description: "the distribution", schema: distributionResponseSchema } },
    },
    async ({ params }, _request, response) => {
      answer(response, distributionResponseSchema, { distribution: await service.status(params.address) });
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/distributions/:address/eligibility",
      summary: "The signed-in fan's checklist against the distribution's requirements",
      auth: true,
      before: [sessionRequired],
      request: { params: distributionAddressParamsSchema, query: eligibilityQuerySchema },
      responses: {
        200: { description: "each requirement, met or not, with a sentence to act on", schema: eligibilityResponseSchema },
      },
    },
    async ({ params, query }, _request, response) => {
      const { xUserId } = requireSession(response);
      const distribution = await service.status(params.address);
      if (query.wallet) await requireOwnWallet(dependencies.database, xUserId, query.wallet);
      const report = await dependencies.eligibility.check(xUserId, distribution, query.wallet, {
        recheckUnmet: query.recheck === "unmet",
      });
      response.set("Cache-Control", "private, no-store");
      answer(response, eligibilityResponseSchema, {
        eligible: report.met,
        checks: report.checks.map(({ requirement, met, detail }) => ({ requirement, met, detail })),
      });
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/creators/me/distributions",
      summary: "The signed-in creator's distributions, with claims per hour",
      auth: true,
      before: [sessionRequired],
      request: {},
      responses: { 200: { description: "newest first", schema: creatorDistributionsResponseSchema } },
    },
    async (_input, _request, response) => {
      const { xUserId } = requireSession(response);
      response.set("Cache-Control", "private, no-store");
      answer(response, creatorDistributionsResponseSchema, { distributions: await service.forCreator(xUserId) });
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/creators/me/distributions/:address",
      summary: "One of the signed-in creator's distributions as the chain shows it now, with its claims over time",
      auth: true,
      before: [sessionRequired],
      request: { params: distributionAddressParamsSchema },
      responses: { 200: { description: "the distribution", schema: creatorDistributionResponseSchema } },
    },
    async ({ params }, _request, response) => {
      const { xUserId } = requireSession(response);
      response.set("Cache-Control", "private, no-store");
      response.json({ distribution: await service.creatorView(xUserId, params.address) });
    },
  );

  openapi.route(
    router,
    {
      method: "get",
      path: "/creators/me/distributions/:address/claims",
      summary:
        "Who claimed one of the signed-in creator's distributions: X handle, wallet, time, state, newest first, a page at a time",
      auth: true,
      before: [sessionRequired],
      request: { params: distributionAddressParamsSchema, query: claimantsQuerySchema },
      responses: { 200: { description: "a page of claimants and the counts per state", schema: claimantsResponseSchema } },
    },
    async ({ params, query }, _request, response) => {
      const { xUserId } = requireSession(response);
      response.set("Cache-Control", "private, no-store");
      response.json(await service.claimantsFor(xUserId, params.address, query));
    },
  );

  return router;
}
