import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { IsContainerRef } from '../../container-sources/container-ref';
import { CompiledDtoValidator } from './compiled-dto-validator';
import { Nullable } from './nullable.decorator';

class ItemDto {
  @IsInt() @Min(1) count!: number;
  @Nullable() @IsString() note!: string | null;
}

class OrderDto {
  @IsString() name!: string;
  @IsOptional() @ValidateNested() @Type(() => ItemDto) item?: ItemDto | null;
}

class WithRefDto {
  @IsContainerRef() ref!: string;
}

function messages(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (error) {
    return ((error as BadRequestException).getResponse() as { message: string[] }).message;
  }
}

describe('CompiledDtoValidator', () => {
  const validator = new CompiledDtoValidator(OrderDto);

  it('accepts a valid body and strips unknown fields at every level', () => {
    const body = { name: 'a', extra: 1, item: { count: 2, note: null, junk: true } };
    expect(validator.transform(body)).toEqual({ name: 'a', item: { count: 2, note: null } });
  });

  it('treats @IsOptional as "may be missing or null" and @Nullable as "required, may be null"', () => {
    expect(messages(() => validator.transform({ name: 'a', item: null }))).toEqual([]);
    expect(messages(() => validator.transform({ name: 'a', item: { count: 1 } }))).toEqual([
      'item.note is required',
    ]);
  });

  it('names each offending nested field', () => {
    expect(messages(() => validator.transform({ item: { count: 0, note: 5 } }))).toEqual([
      'name is required',
      'item.count must be >= 1',
      'item.note must be string',
    ]);
  });

  it('refuses to compile a DTO whose custom validator has no JSON Schema', () => {
    expect(() => new CompiledDtoValidator(WithRefDto)).toThrow(/WithRefDto uses isContainerRef/);
  });
});
