import { ArrayMaxSize, IsArray, ValidateBy, type ValidationOptions } from 'class-validator';
import { parseCidr } from './cidr';

/** Networks a token may be used from: at most 32 CIDRs such as `10.0.0.0/8` or `fd00::/8`. */
export function IsCidrList(property: string, options: ValidationOptions = {}): PropertyDecorator {
  return (target, key) => {
    IsArray({ message: `${property} must be an array of CIDR networks`, ...options })(target, key);
    ArrayMaxSize(32, { message: `${property} may hold at most 32 networks` })(target, key);
    ValidateBy(
      {
        name: 'isCidr',
        validator: {
          validate: (value: unknown) => typeof value === 'string' && parseCidr(value) !== null,
          defaultMessage: () =>
            `${property} must hold CIDR networks such as 10.0.0.0/8 or fd00::/8`,
        },
      },
      { each: true, ...options },
    )(target, key);
  };
}
