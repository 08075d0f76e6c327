import { Logger } from '@aws-lambda-powertools/logger';

// One Powertools logger per function instance; POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL
// come from the environment the stack gives each function.
export const logger = new Logger();
